"""Deals: creation, stage moves (lost reason rule, won close date, history)
and stage configuration."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select

from tests.unit.deal_helpers import principal, stage_named
from updoot_app import db
from updoot_app.models import Deal, DealStageChange, Interaction, Stage
from updoot_app.models.types import utcnow
from updoot_app.services.crm import companies, deal_moves, deal_reads, deals, stages
from updoot_app.services.platform import clock
from updoot_app.services.platform.errors import Forbidden, NotFound, ValidationError


def new_deal(actor, company_id, **fields):
    with db.session_scope() as s:
        return deals.create_deal(s, principal(actor), {"company_id": company_id,
                                                       "title": "Acme rollout", **fields})


def new_deal_with(actor, fields):
    with db.session_scope() as s:
        return deals.create_deal(s, principal(actor), {"title": "Acme rollout", **fields})


def move(actor, deal_id, stage, reason=None, now=None):
    with db.session_scope() as s:
        return deals.move_stage(s, principal(actor), deal_id, stage, reason, now=now)


def history(deal_id):
    with db.session_scope() as s:
        return s.exec(select(DealStageChange).where(DealStageChange.deal_id == deal_id)
                      .order_by(DealStageChange.id)).all()


# --- create -------------------------------------------------------------------------

def test_create_defaults(alice, acme):
    deal = new_deal(alice, acme.id, value="12000.00")
    with db.session_scope() as s:
        row = s.get(Deal, deal.id)
        data = deal_reads.deal_dict(s, row)
    assert row.value == Decimal("12000") and isinstance(row.value, Decimal)
    assert (data["stage"], data["currency"], data["owner_email"]) == ("New", "USD", alice.email)
    assert data["company_name"] == "Acme" and data["closed_at"] is None
    assert [(h.from_stage_id, h.to_stage_id) for h in history(deal.id)] == \
        [(None, row.stage_id)]


def test_create_in_a_named_stage_and_currency(alice, acme):
    deal = new_deal(alice, acme.id, value="99.5", currency="eur", stage="qualified",
                    expected_close="2026-09-30")
    assert deal.stage_id == stage_named(alice.workspace_id, "Qualified").id
    assert deal.currency == "EUR" and str(deal.expected_close) == "2026-09-30"
    won = new_deal(alice, acme.id, stage="Won")
    assert won.closed_at is not None


@pytest.mark.parametrize(("fields", "field"), [
    ({"value": "-1"}, "value"),
    ({"value": "ten"}, "value"),
    ({"value": 10.5}, "value"),
    ({"value": "NaN"}, "value"),
    ({"currency": "XXX"}, "currency"),
    ({"title": ""}, "title"),
    ({"stage": "Nope"}, "stage"),
    ({"stage": "Lost"}, "lost_reason"),
    ({"stage": "Lost", "lost_reason": "   "}, "lost_reason"),
    ({"expected_close": "31/12/2026"}, "expected_close"),
    ({"owner_id": 424242}, "owner_id"),
    ({"company_id": None}, "company_id"),
])
def test_create_refuses_bad_input(alice, acme, fields, field):
    with pytest.raises(ValidationError) as err:
        new_deal_with(alice, {"company_id": acme.id, **fields})
    assert err.value.field == field
    with db.session_scope() as s:
        assert s.exec(select(func.count()).select_from(Deal)).one() == 0


def test_other_workspaces_rows_are_not_found(alice, bob, acme):
    with db.session_scope() as s:
        bob_company = companies.create_company(s, principal(bob), {"name": "Bob Corp"})
    bob_won = stage_named(bob.workspace_id, "Won")
    with pytest.raises(NotFound):
        new_deal(alice, bob_company.id)
    with pytest.raises(NotFound):
        new_deal(alice, acme.id, stage=bob_won.id)
    deal = new_deal(alice, acme.id)
    with pytest.raises(NotFound):
        move(alice, deal.id, bob_won.id)
    with pytest.raises(NotFound):
        move(bob, deal.id, "Won")
    with pytest.raises(NotFound), db.session_scope() as s:
        deal_reads.get_deal(s, bob.workspace_id, deal.id)
    with pytest.raises(NotFound), db.session_scope() as s:
        deal_reads.stage_history(s, bob.workspace_id, deal.id)


def test_the_move_menu_reads_only_its_own_workspaces_deal(alice, bob, acme):
    deal = new_deal(alice, acme.id)
    with db.connection_scope() as conn:
        assert deal_moves.for_menu(conn, alice.workspace_id, str(deal.id)) == (
            deal.id, deal.title, deal.stage_id)
        for workspace_id, ref in ((bob.workspace_id, deal.id), (alice.workspace_id, 2**63)):
            with pytest.raises(NotFound):
                deal_moves.for_menu(conn, workspace_id, ref)


def test_viewer_cannot_write(alice, acme):
    deal = new_deal(alice, acme.id)
    viewer = dataclasses.replace(principal(alice), role="viewer")
    for call in (
        lambda s: deals.create_deal(s, viewer, {"company_id": acme.id, "title": "x"}),
        lambda s: deals.update_deal(s, viewer, deal.id, {"title": "x"}),
        lambda s: deals.move_stage(s, viewer, deal.id, "Won"),
        lambda s: deals.delete_deal(s, viewer, deal.id),
    ):
        with pytest.raises(Forbidden), db.session_scope() as s:
            call(s)


# --- stage moves --------------------------------------------------------------------

def test_move_records_history_and_an_interaction(alice, acme):
    deal = new_deal(alice, acme.id)
    later = utcnow() + timedelta(minutes=5)
    moved = move(alice, deal.id, "Qualified", now=later)
    qualified = stage_named(alice.workspace_id, "Qualified")
    assert moved.stage_id == qualified.id
    assert clock.aware(moved.stage_entered_at) == later == clock.aware(moved.last_activity_at)
    rows = history(deal.id)
    assert [(h.from_stage_id, h.to_stage_id) for h in rows][-1] == (deal.stage_id, qualified.id)
    assert rows[-1].user_id == alice.user_id
    with db.session_scope() as s:
        note = s.exec(select(Interaction).where(Interaction.deal_id == deal.id)).one()
    assert note.kind == "stage_change" and "New → Qualified" in note.summary
    assert note.company_id == acme.id


def test_lost_needs_a_reason_and_changes_nothing_without(alice, acme):
    deal = new_deal(alice, acme.id)
    for reason in (None, "", "   "):
        with pytest.raises(ValidationError) as err:
            move(alice, deal.id, "Lost", reason)
        assert err.value.field == "lost_reason"
    with db.session_scope() as s:
        assert s.get(Deal, deal.id).stage_id == deal.stage_id
    assert len(history(deal.id)) == 1
    lost = move(alice, deal.id, "Lost", "Chose a competitor")
    assert lost.closed_at is not None and lost.lost_reason == "Chose a competitor"


def test_won_closes_and_reopening_clears(alice, acme):
    deal = new_deal(alice, acme.id)
    won = move(alice, deal.id, "won")
    assert won.closed_at is not None and won.lost_reason is None
    lost = move(alice, deal.id, "Lost", "Price")
    assert lost.closed_at is not None and lost.lost_reason == "Price"
    reopened = move(alice, deal.id, "Proposal")
    assert reopened.closed_at is None and reopened.lost_reason is None
    assert len(history(deal.id)) == 4


def test_same_stage_is_a_no_op(alice, acme):
    deal = new_deal(alice, acme.id, stage="Proposal")
    before = history(deal.id)
    same = move(alice, deal.id, "proposal")
    assert same.stage_entered_at == deal.stage_entered_at
    assert len(history(deal.id)) == len(before)


def test_update_moves_by_stage_key_and_edits_fields(alice, acme):
    deal = new_deal(alice, acme.id, value="100")
    with db.session_scope() as s:
        deals.update_deal(s, principal(alice), deal.id,
                          {"stage": "Lost", "lost_reason": "No budget", "value": "250.50"})
    with db.session_scope() as s:
        row = s.get(Deal, deal.id)
        assert row.value == Decimal("250.5") and row.lost_reason == "No budget"
        assert row.closed_at is not None
    with db.session_scope() as s:
        deals.update_deal(s, principal(alice), deal.id, {"stage": "Lost",
                                                         "lost_reason": "Price"})
    with db.session_scope() as s:
        assert s.get(Deal, deal.id).lost_reason == "Price"
        deals.update_deal(s, principal(alice), deal.id, {"lost_reason": "Timing"})
    with pytest.raises(ValidationError), db.session_scope() as s:  # checked before moving
        deals.update_deal(s, principal(alice), deal.id, {"stage": "Won", "value": "-3"})
    with db.session_scope() as s:
        row = s.get(Deal, deal.id)
        assert row.lost_reason == "Timing" and s.get(Stage, row.stage_id).kind == "lost"
    move(alice, deal.id, "New")
    with pytest.raises(ValidationError) as err, db.session_scope() as s:
        deals.update_deal(s, principal(alice), deal.id, {"lost_reason": "Nope"})
    assert err.value.field == "lost_reason"


# --- stage configuration ---------------------------------------------------------------

def test_stage_configuration(alice, acme):
    p = principal(alice)
    with db.session_scope() as s:
        demo = stages.create_stage(s, p, "Demo", 30)
    with db.session_scope() as s:
        names = [st.name for st in stages.list_stages(s, alice.workspace_id)]
    assert names == ["New", "Contacted", "Qualified", "Proposal", "Negotiation", "Demo", "Won",
                     "Lost"]
    with db.session_scope() as s:
        stages.rename_stage(s, p, demo.id, "Live demo")
        stages.set_probability(s, p, demo.id, 40)
    with db.session_scope() as s:
        row = s.get(Stage, demo.id)
        assert (row.name, row.probability) == ("Live demo", 40)
    for call, field in ((lambda s: stages.create_stage(s, p, "new", 10), "name"),
                        (lambda s: stages.set_probability(s, p, demo.id, 101), "probability"),
                        (lambda s: stages.set_probability(s, p, demo.id, -1), "probability"),
                        (lambda s: stages.rename_stage(s, p, demo.id, ""), "name"),
                        (lambda s: stages.rename_stage(s, p, demo.id, "Won"), "name")):
        with pytest.raises(ValidationError) as err, db.session_scope() as s:
            call(s)
        assert err.value.field == field

    with db.session_scope() as s:
        current = [st.id for st in stages.list_stages(s, alice.workspace_id)]
        stages.reorder_stages(s, p, list(reversed(current)))
    with db.session_scope() as s:
        assert [st.id for st in stages.list_stages(s, alice.workspace_id)] == current[::-1]
        with pytest.raises(ValidationError):
            stages.reorder_stages(s, p, current[:-1])
        with pytest.raises(ValidationError):
            stages.reorder_stages(s, p, current + current[:1])

    # delete: not while deals use it; never the won or lost stage
    deal = new_deal(alice, acme.id, stage=demo.id)
    with pytest.raises(ValidationError), db.session_scope() as s:
        stages.delete_stage(s, p, demo.id)
    move(alice, deal.id, "New")
    for name in ("Won", "Lost"):
        with pytest.raises(ValidationError), db.session_scope() as s:
            stages.delete_stage(s, p, stage_named(alice.workspace_id, name).id)
    with db.session_scope() as s:
        stages.delete_stage(s, p, demo.id)
    with db.session_scope() as s:
        rows = stages.list_stages(s, alice.workspace_id)
        assert demo.id not in [st.id for st in rows]
        assert [st.position for st in rows] == list(range(len(rows)))
        assert sorted(st.kind for st in rows if st.kind != "open") == ["lost", "won"]


def test_stages_of_another_workspace_are_not_found(alice, bob):
    theirs = stage_named(bob.workspace_id, "New")
    p = principal(alice)
    for call in (lambda s: stages.rename_stage(s, p, theirs.id, "Mine"),
                 lambda s: stages.delete_stage(s, p, theirs.id),
                 lambda s: stages.get_stage(s, alice.workspace_id, theirs.id)):
        with pytest.raises(NotFound), db.session_scope() as s:
            call(s)
    with db.session_scope() as s:
        ids = [st.id for st in stages.list_stages(s, alice.workspace_id)]
    with pytest.raises(NotFound), db.session_scope() as s:
        stages.reorder_stages(s, p, ids[:-1] + [theirs.id])
