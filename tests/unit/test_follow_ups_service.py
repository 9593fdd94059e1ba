"""Follow-ups and signals: create with defaults, bad input named and nothing
written, viewers read only, other workspaces not found, complete/reopen/snooze,
the workspace's calendar across midnight and DST, the fit explanation's
triggers (fresh: matched with its date; stale)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func
from sqlmodel import select

from tests.unit.today_helpers import A_FIT, company, deal, principal, signal, task, with_icp
from updoot_app import db
from updoot_app.models import BuyingSignal, FollowUp, Interaction, Workspace
from updoot_app.services.crm import follow_up_reads, follow_ups, signals
from updoot_app.services.identity import workspaces
from updoot_app.services.platform.errors import Forbidden, NotFound, ValidationError

NOON = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def count(model):
    with db.session_scope() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def set_zone(actor, name):
    with db.session_scope() as s:
        ws = s.get(Workspace, actor.workspace_id)
        ws.time_zone = name
        s.add(ws)


def test_create_defaults_links_and_dict(alice):
    acme = company(alice, "Acme")
    deal_id = deal(alice, acme)
    fid = task(alice, now=NOON, title="  Call  Dana ", type="call", deal_id=deal_id,
               due_at="14:30")
    with db.session_scope() as s:
        row = follow_up_reads.get_follow_up(s, alice.workspace_id, fid)
        data = follow_up_reads.follow_up_dict(s, row, date(2026, 12, 6))
    assert data["title"] == "Call Dana" and data["type"] == "call"
    assert data["due_on"] == date(2026, 12, 6) and data["due_at"] == "14:30"
    assert data["assignee_id"] == alice.user_id            # the caller by default
    assert (data["company_id"], data["company_name"], data["deal_id"]) == (acme, "Acme", deal_id)
    assert not data["done"] and not data["overdue"]


BAD = [({"title": "x" * 10_000}, "title"), ({"title": ""}, "title"),
       ({"due_on": "20260-01-05"}, "due_on"), ({"due_on": "2026-02-30"}, "due_on"),
       ({"due_on": date(1900, 1, 1)}, "due_on"),
       ({"type": "fax"}, "type"), ({"due_at": "25:00"}, "due_at"),
       ({"assignee_id": 999_999}, "assignee_id"), ({"assignee_id": "nobody"}, "assignee_id"),
       ({"company_id": 10**15}, "company_id"), ({"colour": "red"}, "colour"),
       ({"notes": "n" * 5001}, "notes")]


@pytest.mark.parametrize(("fields", "field"), BAD)
def test_bad_input_names_the_field_and_writes_nothing(alice, fields, field):
    with pytest.raises(ValidationError) as err, db.session_scope() as s:
        follow_ups.create_follow_up(s, principal(alice), {"title": "Call", **fields})
    assert err.value.field == field
    assert count(FollowUp) == 0


def test_links_to_another_workspace_or_company_are_refused(alice, bob):
    theirs = company(bob, "Bob's")
    their_deal = deal(bob, theirs)
    mine, other = company(alice, "Acme"), company(alice, "Other")
    my_deal = deal(alice, mine)
    for fields, field in (({"company_id": theirs}, "company_id"),
                          ({"deal_id": their_deal}, "deal_id"),
                          ({"assignee_id": bob.user_id}, "assignee_id"),
                          ({"company_id": other, "deal_id": my_deal}, "deal_id")):
        with pytest.raises(ValidationError) as err, db.session_scope() as s:
            follow_ups.create_follow_up(s, principal(alice), {"title": "x", **fields})
        assert err.value.field == field
    assert count(FollowUp) == 0


def test_other_workspace_rows_are_not_found_and_viewers_cannot_write(alice, bob):
    fid = task(alice)
    sid = signal(alice, company(alice, "Acme"), trigger="recent funding")
    p_bob = principal(bob)
    for call in (lambda s: follow_up_reads.get_follow_up(s, bob.workspace_id, fid),
                 lambda s: follow_ups.update_follow_up(s, p_bob, fid, {"title": "Mine"}),
                 lambda s: follow_ups.complete_follow_up(s, p_bob, fid),
                 lambda s: follow_ups.delete_follow_up(s, p_bob, fid),
                 lambda s: signals.delete_signal(s, p_bob, sid)):
        with pytest.raises(NotFound), db.session_scope() as s:
            call(s)
    viewer = dataclasses.replace(principal(alice), role="viewer")
    for call in (lambda s: follow_ups.create_follow_up(s, viewer, {"title": "x"}),
                 lambda s: follow_ups.update_follow_up(s, viewer, fid, {"title": "x"}),
                 lambda s: follow_ups.snooze_follow_up(s, viewer, fid, "tomorrow"),
                 lambda s: signals.record_signal(s, viewer, 1, {"trigger": "x"})):
        with pytest.raises(Forbidden), db.session_scope() as s:
            call(s)
    with db.session_scope() as s:  # reading is fine
        rows, total = follow_up_reads.list_follow_ups(s, alice.workspace_id)
    assert total == 1 and rows[0]["title"] == "Call"


def test_complete_proposes_the_next_reopen_and_snooze(alice):
    fid = task(alice, now=NOON, title="Intro call", type="call", due_on="2026-12-01")
    with db.session_scope() as s:
        row, proposal = follow_ups.complete_follow_up(s, principal(alice), fid, now=NOON)
        assert row.done_at is not None and row.done_by == alice.user_id
    assert proposal["title"] == "Follow up: Intro call" and proposal["due_on"] == "2026-12-14"
    with db.session_scope() as s:
        follow_ups.reopen_follow_up(s, principal(alice), fid, now=NOON)
        follow_ups.snooze_follow_up(s, principal(alice), fid, "tomorrow", now=NOON)
        assert follow_up_reads.get_follow_up(s, alice.workspace_id, fid).due_on == date(2026, 12, 7)
        follow_ups.snooze_follow_up(s, principal(alice), fid, "2027-01-04", now=NOON)
    with pytest.raises(ValidationError), db.session_scope() as s:
        follow_ups.snooze_follow_up(s, principal(alice), fid, "2026-12-01", now=NOON)
    with db.session_scope() as s:
        rows, _ = follow_up_reads.list_follow_ups(s, alice.workspace_id, due_before="2027-01-05",
                                                  done=False, assignee_id=alice.user_id)
    assert [r["due_on"] for r in rows] == [date(2027, 1, 4)]


@pytest.mark.parametrize(("zone", "now", "expected"), [
    ("UTC", datetime(2026, 12, 6, 23, 59, tzinfo=UTC), date(2026, 12, 6)),
    ("Europe/Berlin", datetime(2026, 12, 6, 23, 30, tzinfo=UTC), date(2026, 12, 7)),
    ("America/Los_Angeles", datetime(2026, 12, 7, 7, 30, tzinfo=UTC), date(2026, 12, 6)),
    # DST: Berlin moves to UTC+2 on 2026-03-29 at 01:00 UTC
    ("Europe/Berlin", datetime(2026, 3, 28, 22, 59, tzinfo=UTC), date(2026, 3, 28)),
    ("Europe/Berlin", datetime(2026, 3, 28, 23, 0, tzinfo=UTC), date(2026, 3, 29)),
    ("Europe/Berlin", datetime(2026, 3, 29, 21, 59, tzinfo=UTC), date(2026, 3, 29)),
    ("Europe/Berlin", datetime(2026, 3, 29, 22, 0, tzinfo=UTC), date(2026, 3, 30)),
])
def test_due_today_and_overdue_follow_the_workspace_calendar(alice, zone, now, expected):
    set_zone(alice, zone)
    fid = task(alice, now=now)  # due "today" by default
    with db.session_scope() as s:
        row = follow_up_reads.get_follow_up(s, alice.workspace_id, fid)
        assert row.due_on == expected
        assert follow_up_reads.workspace_today(s, alice.workspace_id, now) == expected


def test_signals_validate_list_freshness_and_explain_the_fit(alice, bob):
    with_icp(alice)
    acme = company(alice, "Acme", **A_FIT)
    for fields, field in (({"trigger": ""}, "trigger"), ({"trigger": "x" * 61}, "trigger"),
                          ({"trigger": "x", "occurred_on": "2026-12-07"}, "occurred_on"),
                          ({"trigger": "x", "occurred_on": "20260-01-01"}, "occurred_on"),
                          ({"trigger": "x", "source": "y"}, "source")):
        with pytest.raises(ValidationError) as err, db.session_scope() as s:
            signals.record_signal(s, principal(alice), acme, fields, now=NOON)
        assert err.value.field == field
    with pytest.raises(NotFound), db.session_scope() as s:
        signals.record_signal(s, principal(bob), acme, {"trigger": "x"}, now=NOON)
    assert count(BuyingSignal) == 0
    signal(alice, acme, now=NOON, trigger="recent funding", occurred_on="2026-12-01",
           note="https://news.example/acme")
    signal(alice, acme, now=NOON, trigger="New CISO", occurred_on="2026-06-01")
    with db.session_scope() as s:
        rows = signals.list_signals(s, alice.workspace_id, acme, now=NOON)
        evidence = signals.trigger_evidence(s, alice.workspace_id, acme, now=NOON)
        options = signals.trigger_options(s, alice.workspace_id)
    assert [(r["trigger"], r["fresh"], r["days_ago"]) for r in rows] == [
        ("recent funding", True, 5), ("New CISO", False, 188)]
    assert options[:2] == ["recent funding", "new CISO"]
    assert [e["text"] for e in evidence] == [
        "new CISO: stale, signal on 2026-06-01 (188 days ago; fresh for 90 days)",
        "recent funding: matched, signal on 2026-12-01 (5 days ago)"]
    with db.session_scope() as s:  # a longer window for one trigger makes it fresh again
        signals.set_trigger_window(s, principal(alice), "new ciso", "365")
    with db.session_scope() as s:
        evidence = signals.trigger_evidence(s, alice.workspace_id, acme, now=NOON)
    assert evidence[0]["result"] == "match"
    with pytest.raises(ValidationError), db.session_scope() as s:
        signals.set_trigger_window(s, principal(alice), "new ciso", "0")


def test_complete_and_continue_logs_and_schedules_in_one_transaction(alice):
    acme = company(alice, "Acme")
    deal_id = deal(alice, acme)
    fid = task(alice, now=NOON, title="Intro call", type="call", deal_id=deal_id)
    with pytest.raises(ValidationError), db.session_scope() as s:  # bad next: nothing changes
        follow_ups.complete_and_continue(s, principal(alice), fid,
                                         log={"kind": "call", "summary": "Talked"},
                                         next_step={"title": "x" * 300}, now=NOON)
    assert count(Interaction) == 0 and count(FollowUp) == 1
    with db.session_scope() as s:
        done, nxt = follow_ups.complete_and_continue(
            s, principal(alice), fid, log={"kind": "call", "summary": "Talked"},
            next_step={"title": "Follow up: Intro call", "due_on": "2026-12-14"}, now=NOON)
        assert done.done_at is not None
        assert (nxt.deal_id, nxt.company_id, nxt.due_on) == (deal_id, acme, date(2026, 12, 14))
    with db.session_scope() as s:
        logged = s.exec(select(Interaction)).one()
    assert (logged.kind, logged.deal_id, logged.summary) == ("call", deal_id, "Talked")


def test_the_time_zone_is_a_workspace_setting(alice):
    with pytest.raises(ValidationError) as err, db.session_scope() as s:
        workspaces.update_settings(s, principal(alice), "Alice Co", "USD", None, "Mars/Olympus")
    assert err.value.field == "time_zone"
    with db.session_scope() as s:
        workspaces.update_settings(s, principal(alice), "Alice Co", "USD", None, "Asia/Tokyo")
    late = datetime(2026, 12, 6, 15, 30, tzinfo=UTC)  # 00:30 on the 7th in Tokyo
    with db.session_scope() as s:
        assert follow_up_reads.workspace_today(s, alice.workspace_id, late) == date(2026, 12, 7)
