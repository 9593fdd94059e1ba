"""What a move sends to the browser: only the board's state (PipelineState), never
the page's filters, options, view and Lost dialog (PipelinePage). The browser draws
again every component that reads a state named in a delta, so a move that touched
the page state would redraw the five filter selects and the view toggle too."""

from __future__ import annotations

from tests.state.conftest import call
from tests.state.pipeline_helpers import seed
from tests.state.test_pipeline_states import board, col
from updoot_app.state.crm.pipeline_state import PipelinePage, PipelineState


def _delta(state) -> dict:
    root = state
    while root.parent_state is not None:
        root = root.parent_state
    delta = root.get_delta()
    root._clean()
    return delta


def test_a_move_sends_the_board_state_only(alice):
    seed(alice)
    state = board(alice)
    _delta(state)  # the load's delta: both states
    new, qualified = col(state, "New"), col(state, "Qualified")
    card = state.cards[new["stage_id"]][0]
    call(state, "pick", card["id"])
    assert set(_delta(state)) == {PipelineState.get_full_name()}
    call(state, "drop_on", qualified["stage_id"])
    delta = _delta(state)
    assert set(delta) == {PipelineState.get_full_name()}
    sent = delta[PipelineState.get_full_name()]
    assert {"columns_rx_state_", "cards_rx_state_"} <= set(sent)
    assert state.cards[qualified["stage_id"]][0]["id"] == card["id"]


def test_filters_and_the_lost_dialog_go_in_the_page_state(alice):
    seed(alice)
    state = board(alice)
    _delta(state)
    call(state, "set_filter", "next_step", "none")
    delta = _delta(state)
    assert delta[PipelinePage.get_full_name()]["filters_rx_state_"]["next_step"] == "none"
    assert "columns_rx_state_" in delta[PipelineState.get_full_name()]  # the board re-read
    lost = col(state, "Lost")
    card = next(c for cards in state.cards.values() for c in cards)
    call(state, "pick", card["id"])
    _delta(state)
    call(state, "drop_on", lost["stage_id"])  # a move to Lost asks why first
    assert state.lost_open is True
    assert _delta(state)[PipelinePage.get_full_name()]["lost_open_rx_state_"] is True
