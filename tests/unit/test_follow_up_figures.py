"""Figures of follow-ups and signals: done per member, the share of open deals
with a next step, the win rate of deals opened within 30 days of a signal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.unit.today_helpers import company, deal, principal, task
from updoot_app import db
from updoot_app.models import BuyingSignal, Deal
from updoot_app.services.crm import deals, follow_ups
from updoot_app.services.kpis import follow_up_figures
from updoot_app.services.kpis.periods import parse_period

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


def close(actor, deal_id, stage, opened: datetime):
    with db.session_scope() as s:
        row = s.get(Deal, deal_id)
        row.created_at = opened
        s.add(row)
        deals.move_stage(s, principal(actor), deal_id, stage, "Too pricey", now=NOW)


def add_signal(actor, company_id, day: date):
    with db.session_scope() as s:
        s.add(BuyingSignal(workspace_id=actor.workspace_id, company_id=company_id,
                           trigger="recent funding", occurred_on=day))


def test_the_three_figures(alice, bob):
    period = parse_period("2026-12")
    with_signal, without = company(alice, "Signal Co"), company(alice, "Quiet Co")
    add_signal(alice, with_signal, date(2026, 10, 20))
    opened = datetime(2026, 11, 1, tzinfo=UTC)   # 12 days after the signal: fresh
    late = datetime(2026, 11, 25, tzinfo=UTC)     # 36 days after: none
    for stage, cid, when in (("Won", with_signal, opened), ("Won", with_signal, opened),
                             ("Lost", with_signal, opened), ("Won", with_signal, late),
                             ("Lost", without, opened), ("Lost", without, opened)):
        close(alice, deal(alice, cid), stage, when)
    open_with, open_without = deal(alice, without), deal(alice, without)
    fid = task(alice, deal_id=open_with)
    task(alice, deal_id=open_with)
    done = [task(alice) for _ in range(3)]
    with db.session_scope() as s:
        follow_ups.complete_follow_up(s, principal(alice), done[0], now=NOW)
        follow_ups.complete_follow_up(s, principal(alice), done[1], now=NOW)
        follow_ups.complete_follow_up(s, principal(alice), done[2],
                                      now=NOW - timedelta(days=40))  # November
    close(bob, deal(bob, company(bob, "Bob's")), "Won", opened)  # another workspace
    with db.session_scope() as s:
        figures = follow_up_figures.follow_up_figures(s, alice.workspace_id, period)
    assert figures["follow_ups_done"] == [{"user_id": alice.user_id, "email": alice.email,
                                           "done": 2}]
    assert figures["next_steps"] == {"open_deals": 2, "with_next_step": 1,
                                     "without_next_step": 1, "share": 0.5}
    assert figures["win_rate_by_signal"] == {
        "fresh": {"won": 2, "lost": 1, "win_rate": 0.6667},
        "none": {"won": 1, "lost": 2, "win_rate": 0.3333}}
    assert fid and open_without
