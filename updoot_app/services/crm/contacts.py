"""Contacts: people at companies, optionally linked to a persona."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, select

from updoot_app.models import Company, Contact, Persona
from updoot_app.services.crm.companies import get_company
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.sql import like_pattern
from updoot_app.services.platform.validation import (
    clean_email,
    clean_long_text,
    clean_paging,
    clean_ref,
    clean_search,
    clean_text,
    reject_unknown,
)
from updoot_app.services.platform.workspace_rows import get_in_workspace

FIELDS = ("first_name", "last_name", "title", "email", "phone", "company_id", "persona_id",
          "notes")


def _clean_persona(session: Session, workspace_id: int, raw: object) -> int | None:
    if raw is None or raw == "":
        return None
    return get_in_workspace(session, Persona, workspace_id, raw, "Persona", "persona_id").id


def _clean_fields(session: Session, workspace_id: int, data: Mapping[str, Any],
                  creating: bool) -> dict:
    reject_unknown(data, FIELDS)
    out: dict[str, Any] = {}
    if "first_name" in data or creating:
        out["first_name"] = clean_text(data.get("first_name"), "first_name", "First name",
                                       max_len=100)
    if "last_name" in data:
        out["last_name"] = clean_text(data["last_name"], "last_name", "Last name", max_len=100,
                                      required=False)
    if "title" in data:
        out["title"] = clean_text(data["title"], "title", "Title", max_len=150, required=False)
    if "email" in data:
        raw = data["email"]
        out["email"] = None if raw is None or (isinstance(raw, str) and not raw.strip()) \
            else clean_email(raw)
        if out["email"] and len(out["email"]) > 320:
            raise ValidationError("email", "Email must be at most 320 characters.")
    if "phone" in data:
        phone = clean_text(data["phone"], "phone", "Phone", max_len=50, required=False)
        out["phone"] = phone or None
    if "company_id" in data:
        raw = data["company_id"]
        out["company_id"] = None if raw is None or raw == "" \
            else get_company(session, workspace_id, raw).id
    if "persona_id" in data:
        out["persona_id"] = _clean_persona(session, workspace_id, data["persona_id"])
    if "notes" in data:
        out["notes"] = clean_long_text(data["notes"], "notes", "Notes", 5000)
    return out


def _full_name(contact: Contact) -> str:
    return f"{contact.first_name} {contact.last_name}".strip()


def get_contact(session: Session, workspace_id: int, contact_id: object) -> Contact:
    return get_in_workspace(session, Contact, workspace_id, contact_id, "Contact", "contact_id")


def create_contact(session: Session, principal: Principal, data: Mapping[str, Any]) -> Contact:
    principal.require("member")
    fields = _clean_fields(session, principal.workspace_id, data, True)
    contact = Contact(workspace_id=principal.workspace_id, **fields)
    session.add(contact)
    session.flush()
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="contact.create", entity_type="contact", entity_id=contact.id,
                 summary=f"Added contact {_full_name(contact)}")
    return contact


def update_contact(session: Session, principal: Principal, contact_id: object,
                   data: Mapping[str, Any]) -> Contact:
    principal.require("member")
    contact = get_contact(session, principal.workspace_id, contact_id)
    fields = _clean_fields(session, principal.workspace_id, data, False)
    changes = {}
    for key, value in fields.items():
        if getattr(contact, key) != value:
            changes[key] = [getattr(contact, key), value]
            setattr(contact, key, value)
    if changes:
        session.add(contact)
        session.flush()
        activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                     action="contact.update", entity_type="contact", entity_id=contact.id,
                     summary=f"Updated contact {_full_name(contact)}", detail=changes)
    return contact


def delete_contact(session: Session, principal: Principal, contact_id: object) -> None:
    principal.require("member")
    contact = get_contact(session, principal.workspace_id, contact_id)
    name, cid = _full_name(contact), contact.id
    session.delete(contact)
    session.flush()
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="contact.delete", entity_type="contact", entity_id=cid,
                 summary=f"Deleted contact {name}")


def contact_dict(contact: Contact, company_name: str | None = None) -> dict:
    return {
        "id": contact.id,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "name": _full_name(contact),
        "title": contact.title,
        "email": contact.email,
        "phone": contact.phone,
        "company_id": contact.company_id,
        "company_name": company_name,
        "persona_id": contact.persona_id,
        "notes": contact.notes,
        "created_at": contact.created_at,
    }


def contact_with_company(session: Session, contact: Contact) -> dict:
    name = None
    if contact.company_id is not None:
        name = session.exec(select(Company.name).where(Company.id == contact.company_id)).first()
    return contact_dict(contact, name)


def list_contacts(session: Session, workspace_id: int, *, search: object = None,
                  company_id: object = None, persona_id: object = None, page: object = 1,
                  page_size: object = 25) -> tuple[list[dict], int]:
    """One page of contacts (by last name, first name), filtered in SQL; (rows, total).
    A company_id of another workspace is "not found"."""
    page, page_size = clean_paging(page, page_size)
    conds = [Contact.workspace_id == workspace_id]
    search = clean_search(search)
    if search:
        pattern = like_pattern(search)
        full = Contact.first_name + " " + Contact.last_name
        conds.append(or_(full.ilike(pattern, escape="\\"),
                         Contact.email.ilike(pattern, escape="\\"),
                         Contact.title.ilike(pattern, escape="\\")))
    if company_id not in (None, ""):
        conds.append(Contact.company_id == get_company(session, workspace_id, company_id).id)
    if persona_id not in (None, ""):
        conds.append(Contact.persona_id == clean_ref(persona_id, "persona_id", "Persona"))
    total = session.exec(select(func.count()).select_from(Contact).where(*conds)).one()
    rows = session.exec(
        select(Contact, Company.name)
        .join(Company, Company.id == Contact.company_id, isouter=True)
        .where(*conds)
        .order_by(func.lower(Contact.last_name), func.lower(Contact.first_name), Contact.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return [contact_dict(c, name) for c, name in rows], total
