"""Writing deals on the pipeline: create, update, stage moves (with history) and
delete. Reading them (dicts, list, board) is in deal_reads.py; a stage move is
deal_moves.py's, behind this module's `move_stage`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from updoot_app.models import Deal, DealStageChange, Stage, Workspace
from updoot_app.models.types import utcnow
from updoot_app.services.crm import deal_moves
from updoot_app.services.crm.companies import get_company
from updoot_app.services.crm.deal_moves import clean_lost_reason
from updoot_app.services.crm.deal_reads import get_deal
from updoot_app.services.crm.stages import first_stage_of_kind, resolve_stage
from updoot_app.services.identity.access import Principal
from updoot_app.services.identity.membership import check_member
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import (
    clean_currency,
    clean_money,
    clean_text,
    reject_unknown,
)

FIELDS = ("company_id", "title", "value", "currency", "stage", "owner_id", "expected_close",
          "lost_reason")


def _clean_date(raw: object, field: str, label: str) -> date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise ValidationError(field, f"{label} must be a date like 2026-03-31.")


def _clean_fields(session: Session, workspace_id: int, data: Mapping[str, Any],
                  creating: bool) -> dict:
    reject_unknown(data, FIELDS)
    out: dict[str, Any] = {}
    if "company_id" in data or creating:
        if data.get("company_id") in (None, ""):
            raise ValidationError("company_id", "Choose the company of this deal.")
        out["company_id"] = get_company(session, workspace_id, data["company_id"]).id
    if "title" in data or creating:
        out["title"] = clean_text(data.get("title"), "title", "Title", max_len=200)
    if "value" in data:
        out["value"] = clean_money(data["value"], "value", "Value") or Decimal("0")
    if "currency" in data:
        out["currency"] = clean_currency(data["currency"])
    if "owner_id" in data:
        out["owner_id"] = check_member(session, workspace_id, data["owner_id"])
    if "expected_close" in data:
        out["expected_close"] = _clean_date(data["expected_close"], "expected_close",
                                            "Expected close")
    return out


def _first_open_stage(session: Session, workspace_id: int) -> Stage:
    stage = first_stage_of_kind(session, workspace_id, "open")
    if stage is None:  # pragma: no cover - a pipeline always keeps an open stage
        raise ValidationError("stage", "This pipeline has no open stage.")
    return stage


def create_deal(session: Session, principal: Principal, data: Mapping[str, Any]) -> Deal:
    """A deal in a stage (default: the first open one); its first history row too.
    Created as lost, it needs a lost reason; as won or lost, it is closed now."""
    principal.require("member")
    ws = principal.workspace_id
    fields = _clean_fields(session, ws, data, True)
    raw_stage = data.get("stage")
    stage = _first_open_stage(session, ws) if raw_stage in (None, "") \
        else resolve_stage(session, ws, raw_stage)
    lost_reason = clean_lost_reason(data.get("lost_reason")) if stage.kind == "lost" else None
    if "owner_id" not in data:
        fields["owner_id"] = principal.user_id
    if "currency" not in data:
        fields["currency"] = session.get(Workspace, ws).currency
    now = utcnow()
    deal = Deal(workspace_id=ws, stage_id=stage.id, created_at=now, stage_entered_at=now,
                last_activity_at=now, closed_at=now if stage.kind != "open" else None,
                lost_reason=lost_reason, **fields)
    session.add(deal)
    session.flush()
    session.add(DealStageChange(workspace_id=ws, deal_id=deal.id, from_stage_id=None,
                                to_stage_id=stage.id, changed_at=now, user_id=principal.user_id))
    activity.log(session, workspace_id=ws, user_id=principal.user_id, action="deal.create",
                 entity_type="deal", entity_id=deal.id,
                 summary=f"Added deal {deal.title} in {stage.name}")
    session.flush()
    return deal


def move_stage(session: Session, principal: Principal, deal_id: object, stage: object,
               lost_reason: object = None, *, now: datetime | None = None) -> Deal:
    """Move a deal to another stage (by id or name), in the session's transaction:
    see deal_moves.py for what a move records. Returns the deal as it is
    now; moving to the stage it is in changes nothing."""
    principal.require("member")
    ws = principal.workspace_id
    deal = get_deal(session, ws, deal_id)
    target = resolve_stage(session, ws, stage)
    if target.id == deal.stage_id:
        return deal
    session.flush()  # the move's statements see what this session changed so far
    deal_moves.move(session.connection(), principal, deal.id, target.id, lost_reason, now=now)
    session.refresh(deal)
    return deal


def update_deal(session: Session, principal: Principal, deal_id: object,
                data: Mapping[str, Any]) -> Deal:
    """Partial update; a "stage" key moves the deal (see `move_stage`), a
    "lost_reason" alone edits the reason of a lost deal. Everything is checked
    before anything changes."""
    principal.require("member")
    ws = principal.workspace_id
    deal = get_deal(session, ws, deal_id)
    fields = _clean_fields(session, ws, data, False)
    new_reason = None
    if "stage" in data:
        target = resolve_stage(session, ws, data["stage"])
        if target.kind == "lost" and target.id != deal.stage_id:
            clean_lost_reason(data.get("lost_reason"))
        elif target.kind == "lost" and "lost_reason" in data:  # already lost: edit the reason
            new_reason = clean_lost_reason(data["lost_reason"])
    elif "lost_reason" in data:
        if session.get(Stage, deal.stage_id).kind != "lost":
            raise ValidationError("lost_reason", "Only a lost deal has a lost reason.")
        new_reason = clean_lost_reason(data["lost_reason"])
    if "stage" in data:
        move_stage(session, principal, deal.id, data["stage"], data.get("lost_reason"))
    changes = {}
    if new_reason is not None and new_reason != deal.lost_reason:
        fields["lost_reason"] = new_reason
    for key, value in fields.items():
        old = getattr(deal, key)
        if old != value:
            changes[key] = [str(old) if old is not None else None,
                            str(value) if value is not None else None]
            setattr(deal, key, value)
    if changes:
        session.add(deal)
        activity.log(session, workspace_id=ws, user_id=principal.user_id, action="deal.update",
                     entity_type="deal", entity_id=deal.id, summary=f"Updated deal {deal.title}",
                     detail=changes)
        session.flush()
    return deal


def delete_deal(session: Session, principal: Principal, deal_id: object) -> None:
    principal.require("member")
    deal = get_deal(session, principal.workspace_id, deal_id)
    title, did = deal.title, deal.id
    session.delete(deal)
    session.flush()
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="deal.delete", entity_type="deal", entity_id=did,
                 summary=f"Deleted deal {title}")
