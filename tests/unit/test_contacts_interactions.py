"""Contacts (CRUD, email, company and persona checks, list) and the interaction log."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from updoot_app import db
from updoot_app.models import Contact, Deal, Interaction
from updoot_app.models.types import utcnow
from updoot_app.services.crm import companies, contacts, deals, interactions
from updoot_app.services.demo.seed import seed_workspace
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.platform import clock
from updoot_app.services.platform.errors import Forbidden, NotFound, ValidationError


def principal(actor):
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


@pytest.fixture
def acme(alice):
    with db.session_scope() as s:
        return companies.create_company(s, principal(alice), {"name": "Acme"})


def add_contact(actor, **fields):
    with db.session_scope() as s:
        return contacts.create_contact(s, principal(actor), {"first_name": "Sarah", **fields})


# --- contacts -----------------------------------------------------------------------

def test_create_and_read_a_contact(alice, acme):
    c = add_contact(alice, last_name="Miller", title="CISO", email=" Sarah@Acme.IO ",
                    company_id=acme.id, phone="+1 555 0100")
    with db.session_scope() as s:
        data = contacts.contact_with_company(s, contacts.get_contact(s, alice.workspace_id, c.id))
    assert data["email"] == "sarah@acme.io" and data["company_name"] == "Acme"
    assert data["name"] == "Sarah Miller"
    assert add_contact(alice, email="").email is None  # email is optional
    assert add_contact(alice).company_id is None


@pytest.mark.parametrize(("fields", "field"), [
    ({"first_name": ""}, "first_name"),
    ({"first_name": "x" * 101}, "first_name"),
    ({"email": "not-an-email"}, "email"),
    ({"title": "x" * 151}, "title"),
    ({"phone": "1" * 51}, "phone"),
    ({"notes": "x" * 5001}, "notes"),
    ({"company_id": "abc"}, "company_id"),
    ({"nickname": "Sa"}, "nickname"),
])
def test_contact_validation(alice, fields, field):
    with pytest.raises(ValidationError) as err:
        add_contact(alice, **fields)
    assert err.value.field == field
    with db.session_scope() as s:
        assert s.exec(select(Contact)).all() == []


def test_company_and_persona_must_be_in_the_workspace(alice, bob):
    with db.session_scope() as s:
        theirs = companies.create_company(s, principal(bob), {"name": "Bob Corp"})
    with pytest.raises(NotFound):
        add_contact(alice, company_id=theirs.id)
    from updoot_app.models.icp import Icp, Persona

    with db.session_scope() as s:
        icp = Icp(workspace_id=bob.workspace_id, name="Bob ICP")
        s.add(icp)
        s.flush()
        persona = Persona(workspace_id=bob.workspace_id, icp_id=icp.id, name="Buyer",
                          role_title="CFO")
        s.add(persona)
        s.flush()
        bob_persona = persona.id
        mine = Icp(workspace_id=alice.workspace_id, name="Alice ICP")
        s.add(mine)
        s.flush()
        own = Persona(workspace_id=alice.workspace_id, icp_id=mine.id, name="Champion",
                      role_title="CISO")
        s.add(own)
        s.flush()
        alice_persona = own.id
    with pytest.raises(NotFound):
        add_contact(alice, persona_id=bob_persona)
    assert add_contact(alice, persona_id=alice_persona).persona_id == alice_persona


def test_update_delete_and_isolation(alice, bob, acme):
    c = add_contact(alice, company_id=acme.id)
    with db.session_scope() as s:
        contacts.update_contact(s, principal(alice), c.id, {"title": "CTO", "company_id": None})
    with db.session_scope() as s:
        row = s.get(Contact, c.id)
        assert (row.title, row.company_id, row.first_name) == ("CTO", None, "Sarah")
    for call in (lambda s: contacts.get_contact(s, bob.workspace_id, c.id),
                 lambda s: contacts.update_contact(s, principal(bob), c.id, {"title": "x"}),
                 lambda s: contacts.delete_contact(s, principal(bob), c.id)):
        with pytest.raises(NotFound), db.session_scope() as s:
            call(s)
    viewer = dataclasses.replace(principal(alice), role="viewer")
    with pytest.raises(Forbidden), db.session_scope() as s:
        contacts.delete_contact(s, viewer, c.id)
    with db.session_scope() as s:
        contacts.delete_contact(s, principal(alice), c.id)
    with db.session_scope() as s:
        assert s.get(Contact, c.id) is None


def test_list_contacts_search_filter_paging(alice, bob):
    with db.session_scope() as s:
        seed_workspace(s, alice.workspace_id, [alice.user_id], companies=20)
    with db.session_scope() as s:
        everything = s.exec(select(Contact).where(
            Contact.workspace_id == alice.workspace_id)).all()
        rows, total = contacts.list_contacts(s, alice.workspace_id, page_size=100)
        assert total == len(everything) == len(rows)
        seen, page = [], 1
        while batch := contacts.list_contacts(s, alice.workspace_id, page=page,
                                              page_size=6)[0]:
            seen += [r["id"] for r in batch]
            page += 1
        assert sorted(seen) == sorted(c.id for c in everything)
        company_id = everything[0].company_id
        rows, total = contacts.list_contacts(s, alice.workspace_id, company_id=company_id)
        assert total == len([c for c in everything if c.company_id == company_id])
        assert all(r["company_id"] == company_id for r in rows)
        target = everything[0]
        rows, _ = contacts.list_contacts(s, alice.workspace_id,
                                         search=f"{target.first_name} {target.last_name}",
                                         page_size=100)
        assert target.id in {r["id"] for r in rows}
        rows, _ = contacts.list_contacts(s, alice.workspace_id, search=target.email.upper())
        assert [r["id"] for r in rows] == [target.id]
        assert contacts.list_contacts(s, bob.workspace_id)[1] == 0
        with pytest.raises(NotFound):
            contacts.list_contacts(s, bob.workspace_id, company_id=company_id)


# --- interactions --------------------------------------------------------------------

def log(actor, **fields):
    with db.session_scope() as s:
        return interactions.log_interaction(s, principal(actor), fields)


def test_log_on_a_deal_fills_the_company_and_freshens_the_deal(alice, acme):
    with db.session_scope() as s:
        deal = deals.create_deal(s, principal(alice), {"company_id": acme.id, "title": "D"})
        row = s.get(Deal, deal.id)
        row.last_activity_at = utcnow() - timedelta(days=30)
        s.add(row)
    before = utcnow()
    entry = log(alice, kind="call", deal_id=deal.id, summary="Intro call\nwent well",
                outcome="positive")
    assert entry.company_id == acme.id and entry.user_id == alice.user_id
    assert entry.summary == "Intro call\nwent well"
    with db.session_scope() as s:
        assert clock.aware(s.get(Deal, deal.id).last_activity_at) >= before
    # a past interaction does not move last_activity_at backwards
    log(alice, kind="note", deal_id=deal.id, occurred_at="2020-01-01T10:00:00Z")
    with db.session_scope() as s:
        assert clock.aware(s.get(Deal, deal.id).last_activity_at) >= before


def test_log_on_a_contact_uses_its_company(alice, acme):
    c = add_contact(alice, company_id=acme.id)
    entry = log(alice, kind="email", contact_id=c.id)
    assert (entry.contact_id, entry.company_id) == (c.id, acme.id)


@pytest.mark.parametrize(("fields", "field"), [
    ({"kind": "call"}, "company_id"),
    ({"kind": "fax", "company_id": "ACME"}, "kind"),
    ({"kind": "stage_change", "company_id": "ACME"}, "kind"),
    ({"kind": "call", "company_id": "ACME", "summary": "x" * 2001}, "summary"),
    ({"kind": "call", "company_id": "ACME", "outcome": "x" * 301}, "outcome"),
    ({"kind": "call", "company_id": "ACME", "occurred_at": "yesterday"}, "occurred_at"),
    ({"kind": "call", "company_id": "ACME", "occurred_at": "2999-01-01"}, "occurred_at"),
])
def test_interaction_validation(alice, acme, fields, field):
    fields = {k: (acme.id if v == "ACME" else v) for k, v in fields.items()}
    with pytest.raises(ValidationError) as err:
        log(alice, **fields)
    assert err.value.field == field
    with db.session_scope() as s:
        assert s.exec(select(Interaction)).all() == []


def test_interaction_targets_must_be_in_the_workspace(alice, bob, acme):
    with db.session_scope() as s:
        theirs = companies.create_company(s, principal(bob), {"name": "Bob Corp"})
        their_deal = deals.create_deal(s, principal(bob), {"company_id": theirs.id,
                                                          "title": "Secret"})
    their_contact = add_contact(bob, company_id=theirs.id)
    for fields in ({"company_id": theirs.id}, {"deal_id": their_deal.id},
                   {"contact_id": their_contact.id},
                   {"company_id": acme.id, "deal_id": their_deal.id}):
        with pytest.raises(NotFound):
            log(alice, kind="call", **fields)
    with pytest.raises(Forbidden), db.session_scope() as s:
        interactions.log_interaction(s, dataclasses.replace(principal(alice), role="viewer"),
                                     {"kind": "note", "company_id": acme.id})


def test_list_newest_first_with_paging_and_filters(alice, bob, acme):
    with db.session_scope() as s:
        deal = deals.create_deal(s, principal(alice), {"company_id": acme.id, "title": "D"})
    c = add_contact(alice, company_id=acme.id)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(7):
        log(alice, kind="call", company_id=acme.id, occurred_at=(base + timedelta(days=i))
            .isoformat(), summary=f"call {i}")
    log(alice, kind="meeting", contact_id=c.id, occurred_at=base.isoformat())
    with db.session_scope() as s:
        deals.move_stage(s, principal(alice), deal.id, "Qualified")

    def listing(**kw):
        with db.session_scope() as s:
            return interactions.list_interactions(s, alice.workspace_id, **kw)

    rows, total = listing(company_id=acme.id, page_size=3)
    assert total == 9 and rows[0]["kind"] == "stage_change"  # moved just now
    assert [r["summary"] for r in rows[1:]] == ["call 6", "call 5"]
    rows, _ = listing(company_id=acme.id, page=3, page_size=3)
    # the meeting (filled in with the contact's company) ties with call 0: newer id first
    assert [r["summary"] for r in rows] == ["call 1", "", "call 0"]
    assert listing(contact_id=c.id)[1] == 1
    rows, total = listing(deal_id=deal.id)
    assert total == 1 and rows[0]["summary"] == "Stage: New → Qualified"
    assert listing(kind="call")[1] == 7
    with pytest.raises(ValidationError):
        listing(kind="fax")
    with pytest.raises(NotFound), db.session_scope() as s:
        interactions.list_interactions(s, bob.workspace_id, company_id=acme.id)
    with pytest.raises(NotFound), db.session_scope() as s:
        interactions.list_interactions(s, bob.workspace_id, deal_id=deal.id)
