"""The pipeline board, called as the browser calls it: moves by drag and by
menu, the Lost reason, filters, list paging, hostile arguments, viewers and
other workspaces' ids."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from tests.state.conftest import call, new_state, toast_text
from tests.state.pipeline_helpers import make_viewer, seed, stage_id
from updoot_app import db
from updoot_app.models import Deal, Interaction, Stage
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.profiles import icps, personas
from updoot_app.state.crm.pipeline_state import MORE_STEP, PER_COLUMN, PipelineState


def P(actor):
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


def board(actor):
    state = new_state(PipelineState, actor.token)
    call(state, "load")
    return state


def col(state, name):
    return next(c for c in state.columns if c["name"] == name)


def deal_stage(deal_id):
    with db.session_scope() as s:
        return s.get(Deal, int(deal_id)).stage_id


def test_board_loads_columns_in_order_with_at_most_a_page_of_cards(alice):
    seed(alice, 200)
    state = board(alice)
    assert [c["name"] for c in state.columns] == ["New", "Contacted", "Qualified", "Proposal",
                                                  "Negotiation", "Won", "Lost"]
    for c in state.columns:
        shown = len(state.cards[c["stage_id"]])
        assert shown <= PER_COLUMN and int(c["more"]) == int(c["count"]) - shown
        assert c["value"].startswith("$") and c["weighted"].startswith("$")
    card = state.cards[state.columns[0]["stage_id"]][0]
    assert {"title", "company", "value", "fit_tier", "owner", "days", "stale",
            "coverage"} <= set(card)
    assert card["coverage"] == "0/4"
    assert len(json.dumps(state.dict())) < 200_000


def test_drag_and_drop_moves_a_deal_and_updates_both_columns(alice):
    seed(alice)
    state = board(alice)
    new, contacted = col(state, "New"), col(state, "Contacted")
    card = state.cards[new["stage_id"]][0]
    call(state, "start_drag", card["id"])
    call(state, "drop_on", contacted["stage_id"])
    assert int(col(state, "New")["count"]) == int(new["count"]) - 1
    assert int(col(state, "Contacted")["count"]) == int(contacted["count"]) + 1
    assert state.cards[contacted["stage_id"]][0]["id"] == card["id"]
    assert card["id"] not in [c["id"] for c in state.cards[new["stage_id"]]]
    assert str(deal_stage(card["id"])) == contacted["stage_id"]
    with db.session_scope() as s:  # the move is in the deal's log and history
        assert s.exec(select(Interaction).where(Interaction.deal_id == int(card["id"]),
                                                Interaction.kind == "stage_change")).first()
    # A drop without a drag start moves nothing.
    before = [c["count"] for c in state.columns]
    assert call(state, "drop_on", new["stage_id"]) is None
    assert [c["count"] for c in state.columns] == before


def test_move_menu_names_the_picked_deal_and_moves_it(alice):
    seed(alice)
    state = board(alice)
    new, qualified = col(state, "New"), col(state, "Qualified")
    card = state.cards[new["stage_id"]][0]
    call(state, "pick", card["id"])
    assert (state.moving_deal, state.moving_title, state.moving_stage) == (
        card["id"], card["title"], new["stage_id"])
    call(state, "drop_on", qualified["stage_id"])
    assert str(deal_stage(card["id"])) == qualified["stage_id"]
    # Moved: the menu is cleared, the next Move button fills it afresh.
    assert (state.moving_deal, state.moving_title, state.moving_stage) == ("", "", "")
    assert state.cards[qualified["stage_id"]][0]["id"] == card["id"]
    assert int(col(state, "Qualified")["count"]) == int(qualified["count"]) + 1
    # The menu's stage of the deal itself moves nothing.
    call(state, "pick", card["id"])
    before = [c["count"] for c in state.columns]
    assert call(state, "drop_on", qualified["stage_id"]) is None
    assert [c["count"] for c in state.columns] == before


def _refills(result) -> list[str]:
    """The stage ids of the `refill` events a move chained."""
    out = []
    for spec in result or []:
        handler = getattr(spec, "handler", None)
        if handler is not None and handler.fn.__name__ == "refill":
            out += [value._var_value for _name, value in spec.args]
    return out


def test_a_patched_board_equals_the_board_read_again(alice):
    """After each move the board is patched in place (services/crm/board_patch.py), not
    read again: headers, totals and cards must be what a fresh load shows, across
    columns with cards below the fold (their refill), grown columns, won and
    lost, and back to an open stage."""
    seed(alice, 300)
    state = board(alice)
    names = [c["name"] for c in state.columns]
    sid = {name: col(state, name)["stage_id"] for name in names}
    call(state, "show_more", sid["Contacted"])
    moves = [("New", "Contacted"), ("New", "Won"), ("Contacted", "Qualified"),
             ("Won", "New"), ("Qualified", "Proposal"), ("New", "New"),
             ("Proposal", "Negotiation"), ("Negotiation", "Contacted")]
    for source, target in moves:
        card = state.cards[sid[source]][0]
        result = call(state, "move_to", card["id"], sid[target])
        for refill in _refills(result):
            call(state, "refill", refill)
        fresh = board(alice)
        call(fresh, "show_more", sid["Contacted"])
        assert state.columns == fresh.columns, (source, target)
        assert state.cards == fresh.cards, (source, target)
    # Lost through its reason dialog, patched the same way.
    card = state.cards[sid["New"]][0]
    call(state, "move_to", card["id"], sid["Lost"])
    result = call(state, "confirm_lost", {"lost_reason": "Budget went elsewhere"})
    for refill in _refills(result):
        call(state, "refill", refill)
    fresh = board(alice)
    call(fresh, "show_more", sid["Contacted"])
    assert (state.columns, state.cards) == (fresh.columns, fresh.cards)


@pytest.mark.parametrize("bad", ["abc", None, "-1", {"x": 1}, "1.5", True, "99999999"])
def test_move_menu_refuses_hostile_and_unknown_deals(alice, bad):
    seed(alice, 20)
    state = board(alice)
    assert toast_text(call(state, "pick", bad))
    assert (state.moving_deal, state.moving_title, state.moving_stage) == ("", "", "")
    before = [c["count"] for c in state.columns]
    assert call(state, "drop_on", col(state, "Won")["stage_id"]) is None  # no deal picked
    assert [c["count"] for c in state.columns] == before


def test_show_more_grows_one_column_and_keeps_it_grown_after_a_move(alice, bob):
    seed(alice, 300)  # 60 deals: more than a page in the New column
    state = board(alice)
    new, contacted = col(state, "New"), col(state, "Contacted")
    assert int(new["count"]) > PER_COLUMN
    shown_before = {sid: len(cards) for sid, cards in state.cards.items()}
    call(state, "show_more", new["stage_id"])
    grown = len(state.cards[new["stage_id"]])
    assert grown == min(int(new["count"]), PER_COLUMN + MORE_STEP) > PER_COLUMN
    assert int(col(state, "New")["more"]) == int(new["count"]) - grown
    assert {sid: len(c) for sid, c in state.cards.items() if sid != new["stage_id"]} == \
        {sid: n for sid, n in shown_before.items() if sid != new["stage_id"]}
    # A move out of the grown column keeps it grown (one card fewer there).
    card = state.cards[new["stage_id"]][0]
    call(state, "move_to", card["id"], contacted["stage_id"])
    assert len(state.cards[new["stage_id"]]) == min(int(new["count"]) - 1, grown)
    # Hostile or foreign stage ids change nothing and say so.
    with db.session_scope() as s:
        foreign = str(s.exec(select(Stage.id).where(Stage.workspace_id == bob.workspace_id)).first())
    before = json.dumps(state.dict(), sort_keys=True, default=str)
    for bad in (foreign, "0", "-1", "abc", None, [1], "99999999999999999999"):
        result = call(state, "show_more", bad)
        assert toast_text(result), bad
    assert json.dumps(state.dict(), sort_keys=True, default=str) == before
    # A fresh load starts every column at a page again.
    call(state, "load")
    assert len(state.cards[new["stage_id"]]) == PER_COLUMN


def test_moving_to_lost_asks_for_a_reason_first(alice):
    seed(alice)
    state = board(alice)
    card = state.cards[col(state, "New")["stage_id"]][0]
    lost = col(state, "Lost")
    call(state, "move_to", card["id"], lost["stage_id"])
    assert state.lost_open and state.lost_title == card["title"]
    assert str(deal_stage(card["id"])) != lost["stage_id"]  # nothing moved yet
    call(state, "confirm_lost", {"lost_reason": "   "})
    assert state.lost_open and "why" in state.lost_error.lower()
    call(state, "confirm_lost", {})
    call(state, "confirm_lost", "not a form")
    assert str(deal_stage(card["id"])) != lost["stage_id"]
    call(state, "confirm_lost", {"lost_reason": "Chose a competitor"})
    assert not state.lost_open
    assert int(col(state, "Lost")["count"]) == int(lost["count"]) + 1
    with db.session_scope() as s:
        deal = s.get(Deal, int(card["id"]))
        assert deal.lost_reason == "Chose a competitor" and deal.closed_at is not None


def test_cancelling_the_lost_dialog_moves_nothing(alice):
    seed(alice)
    state = board(alice)
    card = state.cards[col(state, "New")["stage_id"]][0]
    call(state, "move_to", card["id"], col(state, "Lost")["stage_id"])
    call(state, "cancel_lost")
    assert not state.lost_open
    call(state, "confirm_lost", {"lost_reason": "late"})  # nothing pending any more
    assert str(deal_stage(card["id"])) == col(state, "New")["stage_id"]


def test_won_records_the_close_date(alice):
    seed(alice)
    state = board(alice)
    card = state.cards[col(state, "New")["stage_id"]][0]
    result = call(state, "move_to", card["id"], col(state, "Won")["stage_id"])
    assert "close date" in toast_text(result)
    won = next(c for c in state.cards[col(state, "Won")["stage_id"]] if c["id"] == card["id"])
    assert won["closed"] != ""


@pytest.mark.parametrize("args", [
    ("abc", "1"), ("1", "abc"), (None, None), ("-1", "1"), ({"x": 1}, "1"),
    ("99999999999999", "1"), ("1", "99999999999999"), ("1.5", "1"),
])
def test_hostile_move_arguments_are_refused(alice, args):
    seed(alice, 20)
    state = board(alice)
    before = [c["count"] for c in state.columns]
    result = call(state, "move_to", *args)
    assert toast_text(result)
    assert [c["count"] for c in state.columns] == before


@pytest.mark.parametrize("bad", ["abc", None, "-1", {"x": 1}, "1.5", True])
def test_hostile_drag_ids_are_refused(alice, bad):
    state = board(alice)
    assert "invalid" in toast_text(call(state, "start_drag", bad)).lower()


def test_other_workspaces_deals_and_stages_are_not_found(alice, bob):
    seed(alice, 20)
    seed(bob, 20)
    state = board(alice)
    bob_state = board(bob)
    bob_card = bob_state.cards[col(bob_state, "New")["stage_id"]][0]
    bob_stage = col(bob_state, "Won")["stage_id"]
    my_card = state.cards[col(state, "New")["stage_id"]][0]
    assert "not found" in toast_text(call(state, "move_to", bob_card["id"],
                                          col(state, "Won")["stage_id"])).lower()
    assert "not found" in toast_text(call(state, "move_to", my_card["id"], bob_stage)).lower()
    call(state, "start_drag", bob_card["id"])
    assert "not found" in toast_text(call(state, "drop_on", col(state, "Won")["stage_id"])).lower()
    assert "not found" in toast_text(call(state, "pick", bob_card["id"])).lower()
    assert state.moving_title == ""
    assert str(deal_stage(bob_card["id"])) == col(bob_state, "New")["stage_id"]
    assert str(deal_stage(my_card["id"])) == col(state, "New")["stage_id"]
    # Bob's persona is not a filter Alice can use; Bob's user id simply matches nothing.
    call(state, "set_filter", "owner_id", str(bob.user_id))
    assert sum(int(c["count"]) for c in state.columns) == 0
    with db.session_scope() as s:
        icp = icps.create_icp(s, resolve_session(s, bob.token), {
            "name": "B", "kind": "b2b",
            "criteria": [{"field": "industry", "values": ["Retail"], "weight": 100}]})
        persona = personas.create_persona(s, resolve_session(s, bob.token), icp.id, {
            "name": "Bob's buyer", "role_title": "CFO", "buying_role": "economic_buyer"})
        bob_persona = str(persona.id)
    assert "not found" in toast_text(call(state, "set_filter", "persona_id",
                                          bob_persona)).lower()
    assert state.filters["persona_id"] == ""
    call(state, "load")
    assert all(o["id"] != bob_persona for o in state.persona_options)


def test_viewer_sees_the_board_but_cannot_move(alice):
    seed(alice, 20)
    make_viewer(alice)
    state = board(alice)
    assert state.columns and not state.can_edit
    card = state.cards[col(state, "New")["stage_id"]][0]
    for name, args in (("move_to", (card["id"], col(state, "Won")["stage_id"])),
                       ("start_drag", (card["id"],)),
                       ("pick", (card["id"],)),
                       ("drop_on", (col(state, "Won")["stage_id"],)),
                       ("confirm_lost", ({"lost_reason": "x"},)),
                       ("cancel_lost", ())):
        assert toast_text(call(state, name, *args)), name
    assert str(deal_stage(card["id"])) == col(state, "New")["stage_id"]


def test_filters_and_list_view(alice):
    seed(alice, 120)
    state = board(alice)
    total = sum(int(c["count"]) for c in state.columns)
    call(state, "set_filter", "owner_id", str(alice.user_id))
    assert sum(int(c["count"]) for c in state.columns) == total
    call(state, "set_filter", "fit_tier", "A")  # nothing is scored: no A deals
    assert sum(int(c["count"]) for c in state.columns) == 0
    for bad in (("fit_tier", "Z"), ("__class__", "x"), ("owner_id", "abc"),
                ("persona_id", "-3")):
        assert toast_text(call(state, "set_filter", *bad))
    assert state.filters["fit_tier"] == "A"
    call(state, "clear_filters")
    call(state, "set_view", "list")
    assert len(state.list_rows) == 25 and state.list_total == total
    call(state, "go_page", 2)
    assert state.list_page == 2 and len(state.list_rows) == 25
    call(state, "go_page", 999)
    assert state.list_page == state.list_pages
    assert toast_text(call(state, "go_page", "2"))
    assert toast_text(call(state, "set_view", "table"))
    # A move from the list view refreshes the list.
    row = state.list_rows[0]
    call(state, "move_to", row["id"], stage_id(alice, "Won"))
    assert str(deal_stage(row["id"])) == stage_id(alice, "Won")


def test_empty_board_shows_a_hint_not_cards(alice):
    state = board(alice)
    assert state.board_empty and all(v == [] for v in state.cards.values())
    seed(alice, 10)
    call(state, "load")
    assert not state.board_empty


def test_filter_by_competitor(alice, bob):
    from sqlmodel import select

    from updoot_app.models import Deal
    from updoot_app.services.competitors import battlecards, deal_links

    seed(alice, 40)
    with db.session_scope() as s:
        rival = battlecards.create_competitor(s, P(alice), {"name": "Rival"})
        deal_ids = s.exec(select(Deal.id).where(Deal.workspace_id == alice.workspace_id)
                          .order_by(Deal.id).limit(3)).all()
        for deal_id in deal_ids:
            deal_links.attach(s, P(alice), deal_id, rival.id)
        rival_id = rival.id
        theirs = battlecards.create_competitor(s, P(bob), {"name": "Theirs"}).id
    state = board(alice)
    assert [o["label"] for o in state.competitor_options] == ["Rival"]
    call(state, "set_filter", "competitor_id", str(rival_id))
    assert sum(int(c["count"]) for c in state.columns) == 3
    shown = {card["id"] for cards in state.cards.values() for card in cards}
    assert shown == {str(d) for d in deal_ids}
    # Another workspace's competitor does not exist: refused, filters kept.
    assert "not found" in toast_text(call(state, "set_filter", "competitor_id", str(theirs)))
    assert state.filters["competitor_id"] == str(rival_id)
    with db.session_scope() as s:
        from updoot_app.services.crm import deal_reads

        rows, total = deal_reads.list_deals(s, alice.workspace_id, competitor_id=rival_id)
    assert total == 3
