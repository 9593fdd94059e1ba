"""Living personas: what sales conversations say about a persona.

An interaction (call, email, meeting, note) can carry the objections heard and the
persona the contact plays (``interactions.log_interaction``). From them, for one
persona:

- its objections ranked by how often they came up in the last ``WINDOW_DAYS``
  days (ties: the one heard more recently first), with the last time each was
  heard; the persona's own objections are
  listed even when nobody raised them lately (count 0);
- ``suggested``: objections the persona does not list yet, heard at least
  ``SUGGEST_AFTER`` times: worth adding to it;
- the win rate of closed deals whose buying committee had a contact playing the
  persona, against the closed deals without one, each with its n.

Reads: the persona, its interactions with objections, the closed deals and the
deals whose committee holds the persona, one query each. ``insights`` is the
pure part: no I/O.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlmodel import Session, select

from updoot_app.models import Contact, Deal, DealContact, Interaction, Stage
from updoot_app.models.types import utcnow
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.clock import aware
from updoot_app.services.profiles import personas

WINDOW_DAYS = 90
SUGGEST_AFTER = 3


# --------------------------------------------------------------------------- pure


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def rank_objections(listed: list[str], heard: list[tuple[datetime, list[str]]],
                    now: datetime) -> tuple[list[dict], list[dict]]:
    """(ranked rows, suggested rows) from the persona's objections and the
    (occurred_at, objections) of its interactions."""
    since = now - timedelta(days=WINDOW_DAYS)
    rows = [(aware(when), text) for when, items in heard for text in items
            if isinstance(text, str) and text.strip()]
    frame = pd.DataFrame(rows, columns=["when", "text"])
    frame["key"] = frame["text"].map(_key)
    names = {_key(t): t for t in listed}
    out = []
    for key, group in frame.groupby("key", sort=False):
        recent = group[group["when"] >= since]
        spelling = names.get(key) or group["text"].value_counts().sort_index().idxmax()
        out.append({"objection": spelling, "count_90d": int(len(recent)),
                    "count": int(len(group)), "last_seen": group["when"].max().isoformat(),
                    "on_persona": key in names})
    seen = {_key(r["objection"]) for r in out}
    out += [{"objection": t, "count_90d": 0, "count": 0, "last_seen": None, "on_persona": True}
            for t in listed if _key(t) not in seen]
    # most heard lately first; ties: heard more recently, then more often in all
    out.sort(key=lambda r: r["objection"].casefold())
    out.sort(key=lambda r: r["last_seen"] or "", reverse=True)
    out.sort(key=lambda r: (-r["count_90d"], -r["count"] if r["count_90d"] == 0 else 0))
    suggested = [r for r in out if not r["on_persona"] and r["count"] >= SUGGEST_AFTER]
    return out, suggested


def committee_split(closed: list[tuple[int, bool]], with_persona: set[int]) -> dict:
    """Win rate of closed deals with the persona in the committee vs without, with n."""
    def side(rows: list[bool]) -> dict:
        won = sum(rows)
        return {"closed": len(rows), "won": won,
                "win_rate": round(won / len(rows), 4) if rows else None}

    return {"with": side([w for d, w in closed if d in with_persona]),
            "without": side([w for d, w in closed if d not in with_persona])}


# --------------------------------------------------------------------------- read


def persona_insights(session: Session, principal: Principal, persona_id: object,
                     *, now: datetime | None = None) -> dict:
    """The insights of one persona of the caller's workspace (404 for another's)."""
    persona = personas.get_persona(session, principal, persona_id)
    ws = principal.workspace_id
    heard = session.exec(
        select(Interaction.occurred_at, Interaction.objections)
        .where(Interaction.workspace_id == ws, Interaction.persona_id == persona.id)).all()
    ranked, suggested = rank_objections(list(persona.objections or []),
                                        [(w, list(o or [])) for w, o in heard], now or utcnow())
    kinds = dict(session.exec(select(Stage.id, Stage.kind)
                              .where(Stage.workspace_id == ws)).all())
    closed_ids = [i for i, k in kinds.items() if k in ("won", "lost")] or [-1]
    closed = [(d, kinds[s] == "won") for d, s in session.exec(
        select(Deal.id, Deal.stage_id).where(Deal.workspace_id == ws,
                                             Deal.stage_id.in_(closed_ids))).all()]
    with_persona = set(session.exec(
        select(DealContact.deal_id).join(Contact, Contact.id == DealContact.contact_id)
        .where(DealContact.workspace_id == ws, Contact.persona_id == persona.id)
        .distinct()).all())
    return {"persona_id": persona.id, "name": persona.name, "window_days": WINDOW_DAYS,
            "objections": ranked, "suggested": suggested,
            "committee": committee_split(closed, with_persona)}

