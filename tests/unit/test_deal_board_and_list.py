"""The deal board and list reads: the board's SQL totals checked against
hand-computed figures, stale flags, board filters, and the list's
filters/sort/paging."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from tests.unit.deal_helpers import principal, stage_named
from updoot_app import db
from updoot_app.models import Company, Deal, Workspace
from updoot_app.models.types import utcnow
from updoot_app.services.crm import companies, deal_reads
from updoot_app.services.crm.stages import list_stages
from updoot_app.services.demo.seed import seed_workspace
from updoot_app.services.platform.errors import ValidationError

# --- board --------------------------------------------------------------------------

def _insert_deal(workspace_id, company_id, stage, value, currency="USD", *, entered_days=0,
                 idle_days=0, now):
    with db.session_scope() as s:
        deal = Deal(workspace_id=workspace_id, company_id=company_id, title=f"D {value}",
                    value=Decimal(value), currency=currency, stage_id=stage.id,
                    stage_entered_at=now - timedelta(days=entered_days),
                    last_activity_at=now - timedelta(days=idle_days))
        s.add(deal)
        s.flush()
        return deal.id


def test_board_totals_weighted_values_and_cards_by_hand(alice, acme):
    ws = alice.workspace_id
    now = utcnow()
    qualified, proposal = stage_named(ws, "Qualified"), stage_named(ws, "Proposal")
    won, lost = stage_named(ws, "Won"), stage_named(ws, "Lost")
    assert (qualified.probability, proposal.probability) == (25, 50)
    with db.session_scope() as s:
        company = s.get(Company, acme.id)
        company.fit_tier, company.fit_score = "B", 65
        s.add(company)
    a = _insert_deal(ws, acme.id, qualified, "1000.00", entered_days=3, idle_days=20, now=now)
    b = _insert_deal(ws, acme.id, qualified, "2500.50", entered_days=1, idle_days=1, now=now)
    _insert_deal(ws, acme.id, qualified, "700", "EUR", now=now)
    _insert_deal(ws, acme.id, proposal, "333.33", now=now)
    _insert_deal(ws, acme.id, won, "5000", entered_days=60, idle_days=60, now=now)
    _insert_deal(ws, acme.id, lost, "10", now=now)

    with db.session_scope() as s:
        result = deal_reads.board(s, ws, per_column_limit=1, now=now)
    columns = {c["name"]: c for c in result["columns"]}
    assert [c["name"] for c in result["columns"]] == [
        "New", "Contacted", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
    q = columns["Qualified"]
    # 1000.00 + 2500.50 = 3500.50 USD; × 25 % = 875.125 -> 875.13 (half-up)
    assert (q["count"], q["value"], q["weighted_value"]) == (3, Decimal("3500.50"),
                                                             Decimal("875.13"))
    assert q["other_currencies"] == {"EUR": {"value": Decimal("700"),
                                             "weighted_value": Decimal("175.00")}}
    # 333.33 × 50 % = 166.665 -> 166.67
    assert (columns["Proposal"]["value"], columns["Proposal"]["weighted_value"]) == \
        (Decimal("333.33"), Decimal("166.67"))
    assert columns["Won"]["weighted_value"] == Decimal("5000.00")
    assert columns["Lost"]["weighted_value"] == Decimal("0.00")
    assert (columns["New"]["count"], columns["New"]["value"]) == (0, Decimal(0))
    assert result["open_count"] == 4  # 3 qualified + 1 proposal
    assert result["open_value"] == Decimal("3833.83")
    assert result["open_weighted_value"] == Decimal("1041.80")

    # one card per column at most, most recently moved first, the rest counted
    assert len(q["cards"]) == 1 and q["more"] == 2
    card = q["cards"][0]
    assert card["id"] != a
    with db.session_scope() as s:
        full = {c["id"]: c for c in deal_reads.board(s, ws, now=now)["columns"][2]["cards"]}
    assert set(full) >= {a, b}
    assert full[a]["stale"] is True and full[a]["days_in_stage"] == 3
    assert full[b]["stale"] is False and full[b]["days_in_stage"] == 1
    assert full[a]["company_name"] == "Acme" and full[a]["fit_tier"] == "B"
    assert full[a]["fit_score"] == 65 and full[a]["owner_email"] is None
    assert columns["Won"]["cards"][0]["stale"] is False  # closed deals are never stale


def test_stale_follows_the_workspace_setting(alice, acme):
    ws = alice.workspace_id
    now = utcnow()
    deal_id = _insert_deal(ws, acme.id, stage_named(ws, "New"), "1", idle_days=10, now=now)

    def stale():
        with db.session_scope() as s:
            return deal_reads.board(s, ws, now=now)["columns"][0]["cards"][0]["stale"]

    assert stale() is False  # default: 14 days
    with db.session_scope() as s:
        workspace = s.get(Workspace, ws)
        workspace.stale_after_days = 7
        s.add(workspace)
    assert stale() is True
    with db.session_scope() as s:  # logging an interaction freshens the deal
        from updoot_app.services.crm import interactions
        interactions.log_interaction(s, principal(alice), {"kind": "call", "deal_id": deal_id})
    assert stale() is False


def test_board_on_seeded_data_matches_a_python_sum(alice):
    with db.session_scope() as s:
        seed_workspace(s, alice.workspace_id, [alice.user_id], companies=80)
    with db.session_scope() as s:
        result = deal_reads.board(s, alice.workspace_id, per_column_limit=5)
        everything = s.exec(select(Deal).where(Deal.workspace_id == alice.workspace_id)).all()
    for column in result["columns"]:
        mine = [d for d in everything if d.stage_id == column["stage_id"]]
        assert column["count"] == len(mine)
        assert column["value"] == sum((d.value for d in mine), Decimal(0))
        assert len(column["cards"]) == min(5, len(mine))
        assert column["more"] == len(mine) - len(column["cards"])


def test_board_limited_to_some_stages_gives_the_same_columns_and_ignores_others(alice, bob):
    with db.session_scope() as s:
        seed_workspace(s, alice.workspace_id, [alice.user_id], companies=80)
    with db.session_scope() as s:
        full = deal_reads.board(s, alice.workspace_id, per_column_limit=5)
        picked = [full["columns"][0]["stage_id"], full["columns"][2]["stage_id"]]
        foreign = [st.id for st in list_stages(s, bob.workspace_id)][:2]
        part = deal_reads.board(s, alice.workspace_id, per_column_limit=5,
                           only_stages=picked + foreign)
        nothing = deal_reads.board(s, alice.workspace_id, per_column_limit=5, only_stages=foreign)
    expected = [c for c in full["columns"] if c["stage_id"] in picked]
    assert [c["stage_id"] for c in part["columns"]] == picked
    assert part["columns"] == expected  # counts, totals, cards all as on the full board
    assert nothing["columns"] == [] and nothing["open_count"] == 0


def test_board_filters(alice, bob, acme):
    ws = alice.workspace_id
    now = utcnow()
    with db.session_scope() as s:
        other = companies.create_company(s, principal(alice), {"name": "Zeta"})
        z = s.get(Company, other.id)
        z.fit_tier = "A"
        s.add(z)
    _insert_deal(ws, acme.id, stage_named(ws, "New"), "10", now=now)
    _insert_deal(ws, other.id, stage_named(ws, "New"), "20", now=now)
    with db.session_scope() as s:
        by_tier = deal_reads.board(s, ws, filters={"fit_tier": "A"})
        by_search = deal_reads.board(s, ws, filters={"search": "acme"})
        with pytest.raises(ValidationError):
            deal_reads.board(s, ws, filters={"colour": "red"})
        assert deal_reads.board(s, bob.workspace_id)["columns"][0]["count"] == 0
    assert by_tier["columns"][0]["value"] == Decimal("20")
    assert by_search["columns"][0]["value"] == Decimal("10")


# --- list ---------------------------------------------------------------------------

def test_list_filters_sort_and_paging(alice):
    with db.session_scope() as s:
        seed_workspace(s, alice.workspace_id, [alice.user_id], companies=60)
    with db.session_scope() as s:
        everything = s.exec(select(Deal).where(Deal.workspace_id == alice.workspace_id)).all()
        won = stage_named(alice.workspace_id, "Won")
        rows, total = deal_reads.list_deals(s, alice.workspace_id, stage="Won", page_size=100)
        assert total == len([d for d in everything if d.stage_id == won.id]) == len(rows)
        rows, total = deal_reads.list_deals(s, alice.workspace_id, stage=won.id, page_size=100)
        assert {r["stage"] for r in rows} == {"Won"}

        seen, page = [], 1
        while rows := deal_reads.list_deals(s, alice.workspace_id, sort="value", direction="asc",
                                       page=page, page_size=9)[0]:
            seen += rows
            page += 1
        assert len(seen) == len(everything) == len({r["id"] for r in seen})
        assert [r["value"] for r in seen] == sorted(d.value for d in everything)

        assert deal_reads.list_deals(s, alice.workspace_id, owner_id=alice.user_id)[1] == \
            len(everything)
        assert deal_reads.list_deals(s, alice.workspace_id, owner_id=123456)[1] == 0
        assert deal_reads.list_deals(s, alice.workspace_id, fit_tier="A")[1] == 0
        assert deal_reads.list_deals(s, alice.workspace_id, fit_tier="unscored")[1] == \
            len(everything)
        title = everything[0].title
        assert everything[0].id in {r["id"] for r in deal_reads.list_deals(
            s, alice.workspace_id, search=title, page_size=100)[0]}
        for bad in ({"sort": "owner"}, {"page_size": 500}, {"stage": "Nope"},
                    {"fit_tier": "Q"}):
            with pytest.raises(ValidationError):
                deal_reads.list_deals(s, alice.workspace_id, **bad)
