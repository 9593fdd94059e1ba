"""/deals/{id}/contacts — the buying committee of a deal and its role coverage."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute
from updoot_app.api.routes_companies import DB, READ, WRITE, Body
from updoot_app.services.crm import buying_committee
from updoot_app.services.identity.access import Principal

router = APIRouter(tags=["deals"], route_class=SessionRoute)


class DealContactIn(Body):
    contact_id: int | None = None


@router.get("/deals/{deal_id}/contacts")
def committee(deal_id: int, p: Principal = READ, session: Session = DB) -> dict:
    """{"contacts": [...], "roles": [...], "present": [...], "missing": [...], "mark": "2/4"}"""
    return buying_committee.coverage(session, p.workspace_id, deal_id)


@router.post("/deals/{deal_id}/contacts", status_code=201)
def add_contact(deal_id: int, body: DealContactIn, p: Principal = WRITE,
                session: Session = DB) -> dict:
    buying_committee.add_contact(session, p, deal_id, body.contact_id)
    return buying_committee.coverage(session, p.workspace_id, deal_id)


@router.delete("/deals/{deal_id}/contacts/{contact_id}", status_code=204)
def remove_contact(deal_id: int, contact_id: int, p: Principal = WRITE,
                   session: Session = DB) -> Response:
    buying_committee.remove_contact(session, p, deal_id, contact_id)
    return Response(status_code=204)
