"""/contacts — people at companies, optionally linked to a persona."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute
from updoot_app.api.routes_companies import DB, READ, WRITE, Body, paged, to_json
from updoot_app.services.crm import contacts
from updoot_app.services.identity.access import Principal

router = APIRouter(tags=["contacts"], route_class=SessionRoute)


class ContactIn(Body):
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    company_id: int | None = None
    persona_id: int | None = None
    notes: str | None = None


@router.get("/contacts")
def list_contacts(p: Principal = READ, session: Session = DB, search: str | None = None,
                  company_id: int | None = None, persona_id: int | None = None,
                  page: int = 1, page_size: int = 25) -> dict:
    rows, total = contacts.list_contacts(session, p.workspace_id, search=search,
                                         company_id=company_id, persona_id=persona_id,
                                         page=page, page_size=page_size)
    return paged(rows, total, page, page_size)


@router.post("/contacts", status_code=201)
def create_contact(body: ContactIn, p: Principal = WRITE, session: Session = DB) -> dict:
    contact = contacts.create_contact(session, p, body.model_dump(exclude_unset=True))
    return to_json(contacts.contact_with_company(session, contact))


@router.get("/contacts/{contact_id}")
def get_contact(contact_id: int, p: Principal = READ, session: Session = DB) -> dict:
    contact = contacts.get_contact(session, p.workspace_id, contact_id)
    return to_json(contacts.contact_with_company(session, contact))


@router.patch("/contacts/{contact_id}")
def update_contact(contact_id: int, body: ContactIn, p: Principal = WRITE,
                   session: Session = DB) -> dict:
    contact = contacts.update_contact(session, p, contact_id,
                                      body.model_dump(exclude_unset=True))
    return to_json(contacts.contact_with_company(session, contact))


@router.delete("/contacts/{contact_id}", status_code=204)
def delete_contact(contact_id: int, p: Principal = WRITE, session: Session = DB) -> Response:
    contacts.delete_contact(session, p, contact_id)
    return Response(status_code=204)
