"""The buying committee of a deal: the contacts taking part, their personas and
buying roles, and which roles the deal still lacks.

Coverage counts the four roles that help a deal close: economic buyer,
champion, technical evaluator and user (HELPFUL_ROLES). A blocker is shown
when present (the salesperson must know who argues against) but is never
"missing": a deal does not need one. A contact's buying role is the role of
the persona the contact is linked to; a contact without a persona has no role
yet and covers nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from sqlalchemy import bindparam, distinct, func
from sqlmodel import Session, select

from updoot_app.models import Contact, DealContact, Persona
from updoot_app.services.crm.contacts import get_contact
from updoot_app.services.crm.deal_reads import get_deal
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import NotFound, ValidationError
from updoot_app.services.platform.validation import clean_ref
from updoot_app.services.profiles.personas import ROLE_LABELS

HELPFUL_ROLES = ("economic_buyer", "champion", "technical_evaluator", "user")
ALL_ROLES = (*HELPFUL_ROLES, "blocker")
MAX_PER_DEAL = 50


def _name(contact: Contact) -> str:
    return f"{contact.first_name} {contact.last_name}".strip()


def add_contact(session: Session, principal: Principal, deal_id: object,
                contact_id: object) -> DealContact:
    """Put a contact of this workspace on a deal of this workspace (once)."""
    principal.require("member")
    ws = principal.workspace_id
    deal = get_deal(session, ws, deal_id)
    if contact_id in (None, ""):
        raise ValidationError("contact_id", "Choose a contact to add.")
    contact = get_contact(session, ws, contact_id)
    exists = session.exec(select(DealContact.id).where(
        DealContact.deal_id == deal.id, DealContact.contact_id == contact.id)).first()
    if exists is not None:
        raise ValidationError("contact_id", f"{_name(contact)} is already on this deal.")
    count = session.exec(select(func.count()).select_from(DealContact)
                         .where(DealContact.deal_id == deal.id)).one()
    if count >= MAX_PER_DEAL:
        raise ValidationError("contact_id", f"A deal can have at most {MAX_PER_DEAL} contacts.")
    link = DealContact(workspace_id=ws, deal_id=deal.id, contact_id=contact.id)
    session.add(link)
    session.flush()
    activity.log(session, workspace_id=ws, user_id=principal.user_id,
                 action="deal.contact_add", entity_type="deal", entity_id=deal.id,
                 summary=f"Added {_name(contact)} to deal {deal.title}",
                 detail={"contact_id": contact.id})
    return link


def remove_contact(session: Session, principal: Principal, deal_id: object,
                   contact_id: object) -> None:
    principal.require("member")
    ws = principal.workspace_id
    deal = get_deal(session, ws, deal_id)
    contact_id = clean_ref(contact_id, "contact_id", "Contact")
    link = session.exec(select(DealContact).where(
        DealContact.workspace_id == ws, DealContact.deal_id == deal.id,
        DealContact.contact_id == contact_id)).first()
    if link is None:
        raise NotFound("Contact")
    session.delete(link)
    session.flush()
    activity.log(session, workspace_id=ws, user_id=principal.user_id,
                 action="deal.contact_remove", entity_type="deal", entity_id=deal.id,
                 summary=f"Removed a contact from deal {deal.title}",
                 detail={"contact_id": contact_id})


def _contact_row(contact: Contact, persona: Persona | None) -> dict:
    role = persona.buying_role if persona is not None else None
    return {
        "contact_id": contact.id,
        "name": _name(contact),
        "title": contact.title or "",
        "email": contact.email or "",
        "company_id": contact.company_id,
        "persona_id": persona.id if persona is not None else None,
        "persona_name": persona.name if persona is not None else None,
        "buying_role": role,
        "role_label": ROLE_LABELS.get(role, "") if role else "",
        "goals": list(persona.goals or []) if persona is not None else [],
        "objections": list(persona.objections or []) if persona is not None else [],
        "channels": list(persona.channels or []) if persona is not None else [],
    }


def coverage(session: Session, workspace_id: int, deal_id: object) -> dict:
    """The deal's contacts (persona, role, goals, objections, channels) and its roles:
    `roles` lists every role with whether it is present and who holds it;
    `missing` the helpful roles nobody holds; `mark` is e.g. "2/4"."""
    deal = get_deal(session, workspace_id, deal_id)
    rows = session.exec(
        select(Contact, Persona)
        .join(DealContact, DealContact.contact_id == Contact.id)
        .join(Persona, (Persona.id == Contact.persona_id)
              & (Persona.workspace_id == workspace_id), isouter=True)
        .where(DealContact.deal_id == deal.id, DealContact.workspace_id == workspace_id)
        .order_by(DealContact.id)
    ).all()
    contacts = [_contact_row(c, p) for c, p in rows]
    holders: dict[str, list[str]] = {r: [] for r in ALL_ROLES}
    for c in contacts:
        if c["buying_role"] in holders:
            holders[c["buying_role"]].append(c["name"])
    roles = [{"role": r, "label": ROLE_LABELS[r], "present": bool(holders[r]),
              "helpful": r in HELPFUL_ROLES, "contacts": holders[r]} for r in ALL_ROLES]
    present = [r for r in ALL_ROLES if holders[r]]
    missing = [r for r in HELPFUL_ROLES if not holders[r]]
    covered = len(HELPFUL_ROLES) - len(missing)
    return {"deal_id": deal.id, "contacts": contacts, "roles": roles, "present": present,
            "missing": missing, "covered": covered, "needed": len(HELPFUL_ROLES),
            "mark": f"{covered}/{len(HELPFUL_ROLES)}"}


def coverage_marks(session: Session, workspace_id: int,
                   deal_ids: Iterable[int]) -> dict[int, dict]:
    """Compact coverage for the given deals only (the board's visible cards), in one
    SQL GROUP BY: {deal_id: {"covered": n, "contacts": k, "mark": "n/4"}}.
    Deals without contacts are absent from the SQL result and read as 0/4."""
    ids = [i for i in deal_ids if isinstance(i, int)]
    out = {i: {"covered": 0, "contacts": 0, "mark": f"0/{len(HELPFUL_ROLES)}"} for i in ids}
    if not ids:
        return out
    rows = session.exec(_coverage_statement(),
                        params={"cov_ws": workspace_id, "cov_ids": ids}).all()
    for deal_id, n_contacts, covered in rows:
        out[deal_id] = {"covered": int(covered or 0), "contacts": int(n_contacts),
                        "mark": f"{int(covered or 0)}/{len(HELPFUL_ROLES)}"}
    return out


@functools.cache
def _coverage_statement():
    """``coverage_marks``' GROUP BY, built once (the board reads it on every open and
    move); the workspace and the deal ids are parameters."""
    ws = bindparam("cov_ws")
    helpful = func.count(distinct(Persona.buying_role)).filter(
        Persona.buying_role.in_(HELPFUL_ROLES))
    return (
        select(DealContact.deal_id, func.count(DealContact.id), helpful)
        .join(Contact, Contact.id == DealContact.contact_id)
        .join(Persona, (Persona.id == Contact.persona_id) & (Persona.workspace_id == ws),
              isouter=True)
        .where(DealContact.workspace_id == ws,
               DealContact.deal_id.in_(bindparam("cov_ids", expanding=True)))
        .group_by(DealContact.deal_id)
    )


def candidates(session: Session, workspace_id: int, deal_id: object,
               limit: int = 100) -> list[dict]:
    """Contacts of the deal's company not on the deal yet (to add from)."""
    deal = get_deal(session, workspace_id, deal_id)
    on_deal = select(DealContact.contact_id).where(DealContact.deal_id == deal.id)
    rows = session.exec(
        select(Contact, Persona)
        .join(Persona, (Persona.id == Contact.persona_id)
              & (Persona.workspace_id == workspace_id), isouter=True)
        .where(Contact.workspace_id == workspace_id, Contact.company_id == deal.company_id,
               Contact.id.not_in(on_deal))
        .order_by(Contact.last_name, Contact.first_name, Contact.id)
        .limit(limit)
    ).all()
    return [_contact_row(c, p) for c, p in rows]
