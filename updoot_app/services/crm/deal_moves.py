"""Moving a deal to another stage: the one implementation behind the board, the
deal page, the REST API and accepted quotes.

A move rewrites the deal's stage columns and adds its history row, a
"stage_change" interaction and an activity-log entry, all in the caller's
transaction. Won closes the deal, lost closes it and needs a reason, back to
an open stage reopens it; moving to the stage it is in changes nothing.

It runs on a bare Connection with prepared statements (updoot_app/prepared.py)
rather than ORM objects: a move is the pipeline's most frequent write, and the
unit of work cost about ten times the statements themselves. `plan` reads the
deal and both stages in one statement (row-locking the deal on PostgreSQL);
`apply` writes. Callers that must ask for something between the two (the
board's Lost dialog) use them separately; `move` does both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, bindparam, insert, select, update

from updoot_app.models import Deal, DealStageChange, Interaction, Stage
from updoot_app.models.types import utcnow
from updoot_app.prepared import Prepared
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import NotFound, ValidationError
from updoot_app.services.platform.validation import clean_ref, clean_text

CLOSED_KINDS = ("won", "lost")


@dataclass(frozen=True)
class MovePlan:
    """A deal and the stage it would move to, as read inside the move's transaction."""

    deal_id: int
    title: str
    company_id: int
    value: Decimal
    currency: str
    from_stage_id: int
    from_name: str
    from_kind: str
    to_stage_id: int
    to_name: str
    to_kind: str

    @property
    def changes_nothing(self) -> bool:
        return self.from_stage_id == self.to_stage_id


@dataclass(frozen=True)
class Moved:
    plan: MovePlan
    at: datetime
    closed_at: datetime | None
    lost_reason: str | None


def clean_lost_reason(raw: object) -> str:
    return clean_text(raw, "lost_reason", "A lost reason", max_len=300)


def asked_lost_reason(raw: object) -> str:
    """The answer typed in a Lost dialog (the board's and the deal page's): a blank
    one is asked for again in the dialog's words before any move is tried; the
    move itself still cleans it with `clean_lost_reason`."""
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError("lost_reason", "Say why this deal was lost.")
    return raw


_D, _H, _I = Deal.__table__, DealStageChange.__table__, Interaction.__table__
_SOURCE, _TARGET = Stage.__table__.alias("source"), Stage.__table__.alias("target")

_PLAN = Prepared(
    select(_D.c.id, _D.c.title, _D.c.company_id, _D.c.value, _D.c.currency, _D.c.stage_id,
           _SOURCE.c.name, _SOURCE.c.kind, _TARGET.c.id, _TARGET.c.name, _TARGET.c.kind)
    .select_from(
        _D.join(_SOURCE, _SOURCE.c.id == _D.c.stage_id)
        .outerjoin(_TARGET, (_TARGET.c.id == bindparam("stage_id"))
                   & (_TARGET.c.workspace_id == bindparam("ws"))))
    .where(_D.c.id == bindparam("deal_id"), _D.c.workspace_id == bindparam("ws"))
    .with_for_update(of=_D))  # PostgreSQL: two moves of one deal queue; SQLite: no-op

_SET_STAGE = Prepared(
    update(_D).where(_D.c.id == bindparam("deal_id"), _D.c.workspace_id == bindparam("ws"))
    .values(stage_id=bindparam("to_stage_id"), stage_entered_at=bindparam("at"),
            last_activity_at=bindparam("at"), closed_at=bindparam("closed_at"),
            lost_reason=bindparam("lost_reason")))

_HISTORY = Prepared(insert(_H).values(
    workspace_id=bindparam("ws"), deal_id=bindparam("deal_id"),
    from_stage_id=bindparam("from_stage_id"), to_stage_id=bindparam("to_stage_id"),
    changed_at=bindparam("at"), user_id=bindparam("user_id")))

_INTERACTION = Prepared(insert(_I).values(
    workspace_id=bindparam("ws"), kind="stage_change", company_id=bindparam("company_id"),
    contact_id=None, deal_id=bindparam("deal_id"), occurred_at=bindparam("at"),
    summary=bindparam("summary"), outcome=bindparam("outcome"), user_id=bindparam("user_id")))


_FOR_MENU = Prepared(select(_D.c.id, _D.c.title, _D.c.stage_id)
                     .where(_D.c.id == bindparam("deal_id"), _D.c.workspace_id == bindparam("ws")))


def for_menu(conn: Connection, workspace_id: int, deal_id: object) -> tuple[int, str, int]:
    """(id, title, stage id) of the deal a move menu opens for, in `workspace_id`:
    one prepared read (a card's Move button waits on it to show the menu)."""
    row = _FOR_MENU.first(conn, {"deal_id": clean_ref(deal_id, "deal_id", "Deal"),
                                 "ws": workspace_id})
    if row is None:
        raise NotFound("Deal")
    return row


def plan(conn: Connection, workspace_id: int, deal_id: object, stage_id: object) -> MovePlan:
    """Read the deal and the target stage (by id) in `workspace_id`; NotFound for
    either when it is missing or another workspace's."""
    deal_ref = clean_ref(deal_id, "deal_id", "Deal")
    stage_ref = clean_ref(stage_id, "stage_id", "Stage")
    row = _PLAN.first(conn, {"deal_id": deal_ref, "stage_id": stage_ref, "ws": workspace_id})
    if row is None:
        raise NotFound("Deal")
    if row[8] is None:
        raise NotFound("Stage")
    return MovePlan(*row)


def apply(conn: Connection, principal: Principal, move: MovePlan, lost_reason: object = None,
          *, now: datetime | None = None) -> Moved:
    """Write a planned move (member); a move to a lost stage needs a reason."""
    principal.require("member")
    return apply_as(conn, principal.workspace_id, principal.user_id, move, lost_reason, now=now)


def apply_as(conn: Connection, workspace_id: int, user_id: int | None, move: MovePlan,
             lost_reason: object = None, *, now: datetime | None = None) -> Moved:
    """`apply` for a caller that has its own right to move the deal and names the
    acting user itself: a quote accepted by a member or, with no user, by the
    client through the public link (billing's accept-wins-the-deal)."""
    reason = clean_lost_reason(lost_reason) if move.to_kind == "lost" else None
    at = now or utcnow()
    closed_at = at if move.to_kind in CLOSED_KINDS else None
    summary = f"Stage: {move.from_name} → {move.to_name}"
    row = {"ws": workspace_id, "deal_id": move.deal_id, "user_id": user_id, "at": at,
           "from_stage_id": move.from_stage_id, "to_stage_id": move.to_stage_id}
    _SET_STAGE.run(conn, {**row, "closed_at": closed_at, "lost_reason": reason})
    _HISTORY.run(conn, row)
    _INTERACTION.run(conn, {**row, "company_id": move.company_id, "summary": summary,
                            "outcome": reason or ""})
    activity.append(conn, workspace_id=workspace_id, user_id=user_id, action="deal.move",
                    entity_type="deal", entity_id=move.deal_id,
                    summary=f"{move.title}: {summary}", created_at=at,
                    detail={"from": move.from_stage_id, "to": move.to_stage_id,
                            "to_kind": move.to_kind, "lost_reason": reason})
    return Moved(move, at, closed_at, reason)


def move(conn: Connection, principal: Principal, deal_id: object, stage_id: object,
         lost_reason: object = None, *, now: datetime | None = None) -> Moved | None:
    """Plan and apply; None when the deal is already in that stage."""
    principal.require("member")
    return move_as(conn, principal.workspace_id, principal.user_id, deal_id, stage_id,
                   lost_reason, now=now)


def move_as(conn: Connection, workspace_id: int, user_id: int | None, deal_id: object,
            stage_id: object, lost_reason: object = None, *,
            now: datetime | None = None) -> Moved | None:
    """`move` for a caller that checked the right itself (see `apply_as`)."""
    planned = plan(conn, workspace_id, deal_id, stage_id)
    if planned.changes_nothing:
        return None
    return apply_as(conn, workspace_id, user_id, planned, lost_reason, now=now)
