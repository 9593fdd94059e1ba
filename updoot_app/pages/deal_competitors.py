"""/deals/[deal_id]/competitors: the deal's title and stage, "Mark as lost", and
the competitors panel (the same panel the deal page shows)."""

from __future__ import annotations

import reflex as rx

from updoot_app.components.deal_competitors import deal_competitors_panel
from updoot_app.components.forms import hidden_label
from updoot_app.components.layout import app_shell, page_header
from updoot_app.state.app_state import AppState
from updoot_app.state.competitors.deal_competitors_page_state import DealPageState as P


def deal_competitors_page() -> rx.Component:
    return app_shell(
        page_header("Deal competitors", ""),
        rx.card(
            rx.flex(
                rx.vstack(
                    rx.heading(P.deal["title"], size="5", as_="h2", id="deal-title"),
                    rx.text(P.deal["company"], color_scheme="gray", size="2"),
                    rx.text("Stage: ", rx.text.strong(P.deal["stage"], id="deal-stage"),
                            size="2"),
                    rx.cond(P.deal["lost_reason"] != "",
                            rx.text("Lost reason: ", P.deal["lost_reason"], size="2")),
                    spacing="1", min_width="0",
                ),
                rx.spacer(),
                rx.cond(
                    AppState.can_edit & (P.deal["stage_kind"] == "open"),
                    rx.flex(
                        hidden_label("Lost reason", "lost-reason"),
                        rx.input(placeholder="Lost reason", on_blur=P.set_lost_reason,
                                 id="lost-reason", max_length=300),
                        rx.button("Mark as lost", color_scheme="red", on_click=P.mark_lost,
                                  id="mark-lost"),
                        spacing="2", wrap="wrap",
                    ),
                ),
                width="100%", wrap="wrap", spacing="3", align="center",
            ),
            width="100%",
        ),
        deal_competitors_panel(),
    )
