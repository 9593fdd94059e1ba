"""The competitors panel of a deal: each present competitor's battlecard, a
select to add one, and a remove button per card. Load it with
`DealCompetitorsState.load_for_deal(deal_id)`."""

from __future__ import annotations

import reflex as rx

from updoot_app.components.battlecard import battlecard
from updoot_app.state.app_state import AppState
from updoot_app.state.competitors.deal_competitor_panel_state import DealCompetitorsState as S


def attach_form() -> rx.Component:
    return rx.cond(
        AppState.can_edit,
        rx.flex(
            rx.select.root(
                rx.select.trigger(placeholder="Competitor present on this deal…",
                                  id="deal-competitor-select", min_width="220px",
                                  aria_label="Competitor present on this deal"),
                rx.select.content(rx.foreach(
                    S.options, lambda o: rx.select.item(o["name"], value=o["id"]))),
                value=S.choice,
                on_change=S.set_choice,
            ),
            rx.button(rx.icon("plus", size=14), "Add competitor", on_click=S.attach(""),
                      id="deal-competitor-attach", disabled=S.choice == ""),
            spacing="2", wrap="wrap", align="center",
        ),
    )


def deal_competitors_panel() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.icon("swords", size=18), rx.heading("Competitors", size="5", as_="h2"),
                  align="center", spacing="2"),
        rx.cond(S.panel_error != "", rx.callout(S.panel_error, color_scheme="red",
                                                icon="triangle-alert", role="alert")),
        rx.cond(
            S.cards.length() > 0,
            rx.vstack(
                rx.foreach(S.cards, lambda c: battlecard(
                    c,
                    rx.cond(AppState.can_edit,
                            rx.button("Remove from deal", size="1", variant="soft",
                                      color_scheme="red", on_click=S.detach(c["id"]),
                                      class_name="deal-competitor-detach")),
                )),
                spacing="3", width="100%",
            ),
            rx.text("No competitor recorded on this deal.", color_scheme="gray", size="2"),
        ),
        rx.cond(S.options.length() > 0, attach_form(),
                rx.cond(S.cards.length() == 0,
                        rx.link("Create a battlecard first", href="/competitors"))),
        spacing="3", width="100%", id="deal-competitors",
    )
