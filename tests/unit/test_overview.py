"""The workspace overview the dashboard opens with, on the hand-built KPI sample."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import select

from tests.unit.test_kpis import at, company, deal, sample  # noqa: F401
from updoot_app import db
from updoot_app.models import Deal
from updoot_app.services.crm import follow_ups
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.kpis import at_a_glance


def test_overview_counts_and_values_per_stage(sample, bob):  # noqa: F811
    other = company(bob.workspace_id, "Bob's", tier="A", created=at(3))
    deal(bob.workspace_id, other, ["New", "Won"], "777", created=at(3), closed=at(4))
    with db.session_scope() as s:
        o = at_a_glance.overview(s, sample.workspace_id)
    assert (o["companies"], o["contacts"], o["open_deals"]) == (3, 0, 2)
    assert o["pipeline_value"] == Decimal("10000") and o["weighted_value"] == Decimal("4000.00")
    assert (o["won"], o["lost"], o["win_rate"]) == (4, 1, 4 / 5)
    assert [(r["stage"], r["deals"], r["value"]) for r in o["by_stage"]] == [
        ("New", 0, 0), ("Contacted", 0, 0), ("Qualified", 1, Decimal("4000")),
        ("Proposal", 1, Decimal("6000")), ("Negotiation", 0, 0),
        ("Won", 4, Decimal("15999")), ("Lost", 1, Decimal("500"))]


def test_open_deals_without_a_next_step_are_counted(sample, alice):  # noqa: F811
    with db.session_scope() as s:
        assert at_a_glance.overview(s, sample.workspace_id)["without_next_step"] == 2
        p = resolve_session(s, alice.token)
        open_ids = [d.id for d in s.exec(select(Deal).where(
            Deal.workspace_id == sample.workspace_id, Deal.closed_at.is_(None)))]
    assert p.workspace_id == sample.workspace_id and len(open_ids) == 2
    with db.session_scope() as s:
        follow_ups.create_follow_up(s, p, {"title": "Call", "type": "call",
                                           "deal_id": open_ids[0]})
    with db.session_scope() as s:
        assert at_a_glance.overview(s, sample.workspace_id)["without_next_step"] == 1
