"""/activities — the interaction log (call, email, meeting, note) on a
company, contact and/or deal; stage moves appear as "stage_change"."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute
from updoot_app.api.routes_companies import DB, READ, WRITE, Body, paged, to_json
from updoot_app.services.crm import interactions
from updoot_app.services.identity.access import Principal

router = APIRouter(tags=["activities"], route_class=SessionRoute)


class ActivityIn(Body):
    kind: str | None = None
    company_id: int | None = None
    contact_id: int | None = None
    deal_id: int | None = None
    occurred_at: str | None = None
    summary: str | None = None
    outcome: str | None = None
    objections: list[str] | None = None
    persona_id: int | None = None


@router.get("/activities")
def list_activities(p: Principal = READ, session: Session = DB,
                    company_id: int | None = None, contact_id: int | None = None,
                    deal_id: int | None = None, kind: str | None = None, page: int = 1,
                    page_size: int = 25) -> dict:
    rows, total = interactions.list_interactions(
        session, p.workspace_id, company_id=company_id, contact_id=contact_id,
        deal_id=deal_id, kind=kind, page=page, page_size=page_size)
    return paged(rows, total, page, page_size)


@router.post("/activities", status_code=201)
def log_activity(body: ActivityIn, p: Principal = WRITE, session: Session = DB) -> dict:
    row = interactions.log_interaction(session, p, body.model_dump(exclude_unset=True))
    return to_json(interactions.interaction_dict(row, p.email))
