"""The board after a move, worked out from the board on screen instead of read again.

A move changes two columns in ways known exactly: the deal leaves one column
(count, sums) and enters the other at the top (cards are ordered most recently
moved first, and it was just moved). Re-reading the two columns cost more than
the move itself; this patch is arithmetic on what the page already holds.

When the patch cannot be exact it says so and the caller reads the board:
the moved card is not on screen (a move by id from elsewhere), or its column is
not. When the source column had cards below "Show more", one of them should
slide up into view: the patch reports that column in `refill` so the caller
can read it after answering.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from updoot_app.services.crm.deal_moves import Moved
from updoot_app.services.crm.deal_reads import column_totals
from updoot_app.services.crm.pipeline_view import BoardView, column, when


@dataclass
class Patched:
    board: BoardView
    refill: list[str]  # stage ids whose visible cards are one short of their limit


def _shift(groups: dict[str, tuple[int, Decimal]], currency: str, value: Decimal,
           step: int) -> dict[str, tuple[int, Decimal]]:
    count, total = groups.get(currency, (0, Decimal(0)))
    out = dict(groups)
    if count + step > 0:
        out[currency] = (count + step, total + step * value)
    else:
        out.pop(currency, None)
    return out


def _header(header: dict[str, str], totals: dict, currency: str, shown: int) -> dict[str, str]:
    sums = column_totals(totals["groups"], currency, totals["probability"])
    raw = {**header, **sums, "probability": totals["probability"],
           "more": max(0, sums["count"] - shown)}
    return column(raw, currency)


def moved_card(card: dict[str, str], moved: Moved) -> dict[str, str]:
    """A board card after its move: in the new stage for 0 days, not stale (a move
    is activity, deal_reads._deal_row), closed on the move's date if won or lost."""
    return {**card, "stage_id": str(moved.plan.to_stage_id), "days": "0", "stale": "",
            "closed": when(moved.closed_at),
            "no_next": card.get("no_next", "") if moved.plan.to_kind == "open" else ""}


def after_move(board: BoardView, moved: Moved, target_limit: int) -> Patched | None:
    """`board` with `moved` applied, or None when only a re-read can be exact.
    `target_limit` is how many cards the target column shows at most. `board` is
    not changed: the result shares what the move did not touch."""
    plan = moved.plan
    source, target = str(plan.from_stage_id), str(plan.to_stage_id)
    places = {h["stage_id"]: i for i, h in enumerate(board.headers)
              if h["stage_id"] in (source, target)}
    if len(places) != 2 or source not in board.totals or target not in board.totals:
        return None
    if plan.from_kind != "open" and plan.to_kind == "open":
        return None  # reopened: whether it has a next step is not on the closed card
    deal_id = str(plan.deal_id)
    source_cards = board.cards.get(source, [])
    card = next((c for c in source_cards if c["id"] == deal_id), None)
    if card is None:
        return None
    totals = {**board.totals,
              source: _moved_totals(board.totals[source], plan.currency, plan.value, -1),
              target: _moved_totals(board.totals[target], plan.currency, plan.value, 1)}
    cards = {**board.cards,
             source: [c for c in source_cards if c is not card],
             target: [moved_card(card, moved), *board.cards.get(target, ())][:target_limit]}
    headers = list(board.headers)
    for sid, index in places.items():
        headers[index] = _header(headers[index], totals[sid], board.currency, len(cards[sid]))
    refill = [source] if headers[places[source]]["more"] != "0" else []
    return Patched(BoardView(headers, cards, totals, board.currency), refill)


def _moved_totals(totals: dict, currency: str, value: Decimal, step: int) -> dict:
    return {**totals, "groups": _shift(totals["groups"], currency, value, step)}
