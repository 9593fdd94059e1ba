"""The Today engine (pure): the ranking rule, freshness, the reason texts, the
next follow-up proposed, snoozing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from updoot_app.services.crm import today as t

TODAY = date(2026, 12, 6)  # a Sunday
ACME = t.Company(1, "Acme", "A", 86)
HARBOR = t.Company(2, "Harbor Labs", "B", 64)
TINY = t.Company(3, "Tiny", "D", 12)


def test_freshness_window_boundaries():
    assert t.is_fresh(TODAY, TODAY, 90)
    assert t.is_fresh(TODAY - timedelta(days=89), TODAY, 90)
    assert not t.is_fresh(TODAY - timedelta(days=90), TODAY, 90)
    assert not t.is_fresh(TODAY + timedelta(days=1), TODAY, 90)  # not yet happened
    assert t.freshness_points(TODAY, TODAY, 90) == 30
    assert t.freshness_points(TODAY - timedelta(days=45), TODAY, 90) == 15
    assert t.freshness_points(TODAY - timedelta(days=90), TODAY, 90) == 0


def test_reasons_read_like_the_issue():
    task = t.TaskCandidate(7, "Intro call", "call", TODAY - timedelta(days=2), ACME,
                           contact_name="Dana")
    assert t.task_item(task, TODAY).reason == \
        "Overdue 2 days: call Dana (Acme, A · 86) — Intro call"
    plain = t.TaskCandidate(8, "Send the deck", "email", TODAY, None)
    assert t.task_item(plain, TODAY).reason == "Due today: Send the deck"
    one = t.TaskCandidate(9, "Ping", "todo", TODAY - timedelta(days=1), ACME)
    assert t.task_item(one, TODAY).reason == "Overdue 1 day: Ping (Acme, A · 86)"
    sig = t.SignalCandidate(1, "recent funding", TODAY - timedelta(days=5), 90, ACME)
    assert t.signal_item(sig, TODAY).reason == \
        "Acme (A · 86) had 'recent funding' 5 days ago and has no open deal"
    bare = t.DealCandidate(4, "Harbor deal", Decimal("5000"), "USD", "Proposal", 40, 3, False,
                           HARBOR)
    assert t.deal_item(bare).reason == \
        "Harbor Labs deal (B) has no next step and has been in Proposal 40 days"
    stalled = t.DealCandidate(5, "Acme deal", Decimal("5000"), "USD", "Qualified", 30, 21, True,
                              ACME)
    item = t.deal_item(stalled)
    assert item.kind == "stalled"
    assert item.reason == "Acme deal (A) is stalled: nothing logged for 21 days in Qualified"


def test_sections_come_in_order_and_fit_freshness_value_overdue_rank_within():
    tasks = [t.TaskCandidate(1, "a", "todo", TODAY, TINY),
             t.TaskCandidate(2, "b", "todo", TODAY - timedelta(days=3), TINY)]
    signals = [t.SignalCandidate(10, "x", TODAY - timedelta(days=80), 90, ACME),
               t.SignalCandidate(11, "x", TODAY - timedelta(days=1), 90, HARBOR),
               t.SignalCandidate(12, "x", TODAY - timedelta(days=100), 90, ACME)]  # stale
    deals = [t.DealCandidate(20, "small", Decimal("100"), "USD", "Q", 1, 1, False, ACME),
             t.DealCandidate(21, "big", Decimal("1000000"), "USD", "Q", 1, 1, False, ACME),
             t.DealCandidate(22, "stale fit", Decimal("0"), "USD", "Q", 1, 30, True, ACME),
             t.DealCandidate(23, "stale unfit", Decimal("0"), "USD", "Q", 1, 30, True, TINY)]
    items = t.build(TODAY, tasks, signals, deals)
    order = [(i.kind, i.task_id or i.signal_id or i.deal_id) for i in items]
    assert order == [("task", 2), ("task", 1),            # more overdue first
                     ("no_next_step", 21),               # A + value 30 = 260
                     ("buying_signal", 11),              # B 20 + fresh ~29.7 = 249.7
                     ("no_next_step", 20),               # A + value 10 = 240
                     ("buying_signal", 10),              # A 30 + ~3.3
                     ("stalled", 22)]                    # unfit stalled and stale: absent
    assert [i.rank for i in items] == list(range(1, 8))
    assert t.build(TODAY, tasks, signals, deals, limit=2)[-1].rank == 2


@given(st.integers(0, 3650), st.sampled_from(["A", "B", "C", "D", None]),
       st.integers(0, 10**12), st.integers(0, 89))
def test_no_line_of_a_lower_section_outranks_a_higher_one(late, tier, value, age):
    company = t.Company(1, "X", tier, 50)
    due = t.task_item(t.TaskCandidate(1, "x", "call", TODAY - timedelta(days=late), None), TODAY)
    buying = t.signal_item(t.SignalCandidate(1, "x", TODAY - timedelta(days=age), 90, company),
                           TODAY)
    no_next = t.deal_item(t.DealCandidate(1, "d", Decimal(value), "USD", "Q", 1, 1, False,
                                          company))
    stalled = t.deal_item(t.DealCandidate(1, "d", Decimal(value), "USD", "Q", 1, 1, True, company))
    best_task = t.SECTION_BASE["due"]
    assert due.points >= best_task > max(buying.points, no_next.points)
    assert min(buying.points, no_next.points) >= t.SECTION_BASE["buying"] > stalled.points


def test_proposed_next_and_snooze_days():
    proposal = t.propose_next("Intro call", "call", TODAY)
    assert proposal == {"title": "Follow up: Intro call", "type": "call",
                        "due_on": "2026-12-14"}  # Sunday + 6 = Saturday -> Monday
    assert t.propose_next("Follow up: Intro call", "call", TODAY)["title"] == \
        "Follow up: Intro call"
    assert t.snooze_target("tomorrow", TODAY) == date(2026, 12, 7)
    assert t.snooze_target("next_week", date(2026, 12, 2)) == date(2026, 12, 7)  # Wed -> Mon
    assert t.snooze_target("next_week", TODAY) == date(2026, 12, 7)
    assert t.fit_label(None, None) == "unscored"
    assert t.value_points(Decimal("1000")) == 15
