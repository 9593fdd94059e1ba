"""The Today list read from the database: every section with its reason, mine
vs the team's, viewers read, and a constant number of queries (one per table,
never one per row)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from tests.unit.today_helpers import (
    A_FIT,
    B_FIT,
    D_FIT,
    company,
    deal,
    principal,
    signal,
    task,
    with_icp,
)
from updoot_app import db
from updoot_app.models import Deal
from updoot_app.services.crm import contacts, today_reads
from updoot_app.services.identity import workspaces
from updoot_app.services.platform.errors import Forbidden, ValidationError

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def items(actor, p=None, **kw):
    with db.session_scope() as s:
        return [i.to_dict() for i in today_reads.today_items(s, p or principal(actor), now=NOW,
                                                              **kw)]


def age_deal(deal_id, days):
    with db.session_scope() as s:
        row = s.get(Deal, deal_id)
        row.stage_entered_at = row.last_activity_at = NOW - timedelta(days=days)
        s.add(row)


@pytest.fixture
def world(alice):
    with_icp(alice)
    acme = company(alice, "Acme", **A_FIT)
    harbor = company(alice, "Harbor Labs", **B_FIT)
    tiny = company(alice, "Tiny", **D_FIT)
    fresh_a = company(alice, "Fresh A", **A_FIT)
    with db.session_scope() as s:
        dana = contacts.create_contact(s, principal(alice), {"first_name": "Dana",
                                                             "company_id": acme}).id
    acme_deal = deal(alice, acme, value="50000")
    harbor_deal = deal(alice, harbor, value="5000")
    age_deal(harbor_deal, 40)
    task(alice, now=NOW, title="Intro call", type="call", contact_id=dana, deal_id=acme_deal,
         due_on="2026-12-04")
    stalled_deal = deal(alice, company(alice, "Stalled A", **A_FIT))
    task(alice, now=NOW, title="Later", deal_id=stalled_deal, due_on="2026-12-20")
    age_deal(stalled_deal, 30)
    signal(alice, fresh_a, now=NOW, trigger="recent funding", occurred_on="2026-12-01")
    signal(alice, tiny, now=NOW, trigger="recent funding", occurred_on="2026-12-01")  # D fit
    signal(alice, acme, now=NOW, trigger="recent funding", occurred_on="2026-12-01")  # has deal
    # stale (a trigger other than its typed "new CISO", which keeps it a B fit)
    signal(alice, harbor, now=NOW, trigger="recent funding", occurred_on="2026-06-01")
    return {"acme": acme, "harbor": harbor, "fresh_a": fresh_a, "acme_deal": acme_deal,
            "harbor_deal": harbor_deal, "stalled_deal": stalled_deal}


def test_every_section_with_its_reason_in_rank_order(alice, world):
    got = items(alice)
    assert [(i["kind"], i["reason"]) for i in got] == [
        ("task", "Overdue 2 days: call Dana (Acme, A · 100) — Intro call"),
        ("buying_signal",
         "Fresh A (A · 100) had 'recent funding' 5 days ago and has no open deal"),
        ("no_next_step", "Harbor Labs deal (B) has no next step and has been in New 40 days"),
        ("stalled", "Stalled A deal (A) is stalled: nothing logged for 30 days in New"),
    ]
    assert [i["rank"] for i in got] == [1, 2, 3, 4]
    assert got[0]["deal_id"] == world["acme_deal"] and got[0]["task_id"]
    assert got[1]["company_id"] == world["fresh_a"] and got[1]["deal_id"] is None
    assert got[2]["deal_id"] == world["harbor_deal"]


def test_mine_for_members_the_team_for_admins(alice, world):
    with db.session_scope() as s:
        helper = workspaces.add_member_without_login(
            s, alice.workspace_id, email="sam@example.com", name="Sam", role="member")
        helper_id = helper.id
    task(alice, now=NOW, title="Sam's call", assignee_id=helper_id, due_on="2026-12-06")
    owner = principal(alice)
    assert [i["reason"] for i in items(alice) if i["kind"] == "task"] == [
        "Overdue 2 days: call Dana (Acme, A · 100) — Intro call", "Due today: Sam's call"]
    assert len([i for i in items(alice, scope="mine") if i["kind"] == "task"]) == 1
    member = dataclasses.replace(owner, role="member")
    assert len([i for i in items(alice, member) if i["kind"] == "task"]) == 1
    with pytest.raises(Forbidden), db.session_scope() as s:
        today_reads.today_items(s, member, scope="team", now=NOW)
    with pytest.raises(ValidationError), db.session_scope() as s:
        today_reads.today_items(s, owner, scope="everyone", now=NOW)
    viewer = dataclasses.replace(owner, role="viewer")  # reads its own, like a member
    assert items(alice, viewer) == items(alice, member)


def test_other_workspaces_never_show(alice, bob, world):
    assert items(bob) == []


def count_queries(actor):
    statements = []

    def seen(*_args):
        statements.append(1)

    engine = db.get_engine()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        got = items(actor)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return len(statements), got


def test_queries_do_not_grow_with_the_rows(alice, world):
    few, got_few = count_queries(alice)
    for n in range(15):
        cid = company(alice, f"More {n}", **A_FIT)
        signal(alice, cid, now=NOW, trigger="recent funding", occurred_on="2026-12-02")
        task(alice, now=NOW, title=f"Call {n}", company_id=cid, due_on="2026-12-05")
        deal(alice, company(alice, f"Deal co {n}", **B_FIT))
    many, got_many = count_queries(alice)
    assert len(got_many) > len(got_few) + 40
    assert many == few <= 6


def test_a_list_full_of_follow_ups_due_reads_no_signal_or_deal(alice, world):
    task(alice, now=NOW, title="Second", due_on="2026-12-05")
    with db.session_scope() as s:
        full = [i.to_dict() for i in today_reads.today_items(s, principal(alice), now=NOW)]
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.get_engine(), "before_cursor_execute", seen)
    try:
        with db.session_scope() as s:
            top = [i.to_dict() for i in today_reads.today_items(s, principal(alice), now=NOW,
                                                                 limit=2)]
    finally:
        event.remove(db.get_engine(), "before_cursor_execute", seen)
    assert top == full[:2] and [i["kind"] for i in top] == ["task", "task"]
    assert not any("buying_signals" in st or "FROM deals" in st for st in statements)
