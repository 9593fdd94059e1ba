"""The interaction log: calls, emails, meetings and notes on a company, contact
and/or deal. Stage moves add "stage_change" rows themselves (deal_moves.py).
An interaction may carry the objections heard and the persona the contact plays
(read by persona_insights)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import Interaction, User
from updoot_app.models.types import utcnow
from updoot_app.services.crm.companies import get_company
from updoot_app.services.crm.contacts import get_contact
from updoot_app.services.crm.deal_reads import get_deal
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.clock import aware
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_long_text, clean_paging, reject_unknown
from updoot_app.services.profiles import personas

LOGGABLE_KINDS = ("call", "email", "meeting", "note")
ALL_KINDS = (*LOGGABLE_KINDS, "stage_change")
FIELDS = ("kind", "company_id", "contact_id", "deal_id", "occurred_at", "summary", "outcome",
          "objections", "persona_id")
MAX_OBJECTIONS = 10


def _clean_when(raw: object) -> datetime:
    if raw is None or raw == "":
        return utcnow()
    if isinstance(raw, datetime):
        when = raw
    elif isinstance(raw, str):
        text = raw.strip()
        try:
            when = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
        except ValueError:
            raise ValidationError(
                "occurred_at", "Date must be like 2026-03-31 or 2026-03-31T14:30:00Z.") from None
    else:
        raise ValidationError("occurred_at", "Date must be like 2026-03-31T14:30:00Z.")
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    if when.year < 1970 or when > utcnow() + timedelta(days=366):
        raise ValidationError("occurred_at", "Date must be between 1970 and a year from now.")
    return when


def _clean_objections(raw: object) -> list[str]:
    """Objections heard: a list of text (each as long as a persona's objection may be),
    de-duplicated case-insensitively."""
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise ValidationError("objections", "Objections must be a list of text.")
    out: list[str] = []
    for item in raw:
        text = " ".join(item.split())
        if len(text) > personas.MAX_ITEM_LENGTH:
            raise ValidationError("objections", "Each objection must be at most "
                                  f"{personas.MAX_ITEM_LENGTH} characters.")
        if text and text.casefold() not in {o.casefold() for o in out}:
            out.append(text)
    if len(out) > MAX_OBJECTIONS:
        raise ValidationError("objections", f"Log at most {MAX_OBJECTIONS} objections.")
    return out


def log_interaction(session: Session, principal: Principal,
                    data: Mapping[str, Any]) -> Interaction:
    """Log a call, email, meeting or note on a company, contact and/or deal (at
    least one, each in this workspace). A deal's or contact's company is filled in
    when not given, so the company's log shows it too. Updates the deal's
    last_activity_at (never moving it backwards)."""
    principal.require("member")
    ws = principal.workspace_id
    reject_unknown(data, FIELDS)
    kind = data.get("kind")
    if kind not in LOGGABLE_KINDS:
        raise ValidationError("kind", "Kind must be call, email, meeting or note.")
    summary = clean_long_text(data.get("summary"), "summary", "Summary", 2000)
    outcome = clean_long_text(data.get("outcome"), "outcome", "Outcome", 300)
    when = _clean_when(data.get("occurred_at"))
    objections = _clean_objections(data.get("objections"))

    def given(key):
        return data.get(key) not in (None, "")

    if not any(given(k) for k in ("company_id", "contact_id", "deal_id")):
        raise ValidationError("company_id", "Log it on a company, a contact or a deal.")
    company = get_company(session, ws, data["company_id"]) if given("company_id") else None
    contact = get_contact(session, ws, data["contact_id"]) if given("contact_id") else None
    deal = get_deal(session, ws, data["deal_id"]) if given("deal_id") else None
    company_id = company.id if company else (
        deal.company_id if deal else contact.company_id)
    # The persona the contact plays: as given, else the contact's own persona.
    persona_id = (personas.get_persona(session, principal, data["persona_id"]).id
                  if given("persona_id") else contact.persona_id if contact else None)
    if objections and persona_id is None:
        raise ValidationError("persona_id", "Say which persona raised the objections (or "
                              "log them on a contact linked to a persona).")

    row = Interaction(workspace_id=ws, kind=kind, company_id=company_id,
                      contact_id=contact.id if contact else None,
                      deal_id=deal.id if deal else None, occurred_at=when, summary=summary,
                      outcome=outcome, user_id=principal.user_id, persona_id=persona_id,
                      objections=objections)
    session.add(row)
    if deal is not None and (deal.last_activity_at is None
                             or aware(deal.last_activity_at) < when):
        deal.last_activity_at = when
        session.add(deal)
    session.flush()
    activity.log(session, workspace_id=ws, user_id=principal.user_id, action="interaction.log",
                 entity_type="interaction", entity_id=row.id,
                 summary=f"Logged {kind}" + (f": {summary[:80]}" if summary else ""))
    return row


def interaction_dict(row: Interaction, user_email: str | None) -> dict:
    return {"id": row.id, "kind": row.kind, "company_id": row.company_id,
            "contact_id": row.contact_id, "deal_id": row.deal_id,
            "occurred_at": aware(row.occurred_at), "summary": row.summary,
            "outcome": row.outcome, "user_id": row.user_id, "user_email": user_email,
            "persona_id": row.persona_id, "objections": list(row.objections or [])}


def list_interactions(session: Session, workspace_id: int, *, company_id: object = None,
                      contact_id: object = None, deal_id: object = None, kind: object = None,
                      page: object = 1, page_size: object = 25) -> tuple[list[dict], int]:
    """Newest first, one page; ids of other workspaces are "not found"."""
    page, page_size = clean_paging(page, page_size)
    conds = [Interaction.workspace_id == workspace_id]
    if company_id not in (None, ""):
        conds.append(Interaction.company_id == get_company(session, workspace_id, company_id).id)
    if contact_id not in (None, ""):
        conds.append(Interaction.contact_id == get_contact(session, workspace_id, contact_id).id)
    if deal_id not in (None, ""):
        conds.append(Interaction.deal_id == get_deal(session, workspace_id, deal_id).id)
    if kind not in (None, ""):
        if kind not in ALL_KINDS:
            raise ValidationError("kind", f"Kind must be one of {', '.join(ALL_KINDS)}.")
        conds.append(Interaction.kind == kind)
    total = session.exec(select(func.count()).select_from(Interaction).where(*conds)).one()
    rows = session.exec(
        select(Interaction, User.email)
        .join(User, User.id == Interaction.user_id, isouter=True)
        .where(*conds)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return [interaction_dict(r, email) for r, email in rows], total
