"""A backtest side by side: win rate and deals per fit tier, and the figures (AUC,
won revenue in A/B, holdout, deals left out), one column per ICP compared."""

import reflex as rx


def _table(rows, key: str, first: str, left: str, right: str, table_id: str) -> rx.Component:
    return rx.box(rx.table.root(
        rx.table.header(rx.table.row(rx.table.column_header_cell(first),
                                     rx.table.column_header_cell(left),
                                     rx.table.column_header_cell(right))),
        rx.table.body(rx.foreach(rows, lambda r: rx.table.row(
            rx.table.row_header_cell(r[key]), rx.table.cell(r["draft"]),
            rx.table.cell(r["current"])))),
        size="1", width="100%", id=table_id), overflow_x="auto", width="100%")


def backtest_tables(tiers, figures, left: str, right: str, id_prefix: str) -> rx.Component:
    """``tiers``: rows {"tier", "draft", "current"}; ``figures``: {"figure", ...}."""
    return rx.vstack(
        _table(tiers, "tier", "Tier", left, right, f"{id_prefix}-tiers"),
        _table(figures, "figure", "Figure", left, right, f"{id_prefix}-figures"),
        spacing="3", width="100%",
    )
