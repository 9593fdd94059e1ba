"""Companies per fit tier, as a row of coloured counts."""

import reflex as rx

from updoot_app.components.fit_badge import TIER_COLORS


def tier_chip(row: dict) -> rx.Component:
    return rx.badge(
        rx.match(row["tier"], ("not_a_fit", "Not a fit"), row["tier"]), ": ", row["count"],
        color_scheme=rx.match(row["tier"], *TIER_COLORS.items(), "gray"),
        size="2", variant="soft",
    )


def tier_counts(rows) -> rx.Component:
    return rx.flex(rx.foreach(rows, tier_chip), spacing="2", wrap="wrap")
