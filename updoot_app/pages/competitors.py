"""Competitors: every battlecard with its win rate (and the n behind it)."""

from __future__ import annotations

import reflex as rx

from updoot_app.components.forms import label
from updoot_app.components.layout import app_shell, link_button, page_header
from updoot_app.state.app_state import AppState
from updoot_app.state.competitors.competitors_state import CompetitorsState as S


def _input(text: str, name: str, placeholder: str = "", required: bool = False):
    return rx.vstack(label(text, f"new-competitor-{name}"),
                     rx.input(name=name, placeholder=placeholder, required=required,
                              width="100%", id=f"new-competitor-{name}"),
                     spacing="1", width="100%")


def _area(text: str, name: str, placeholder: str = ""):
    return rx.vstack(label(text, f"new-competitor-{name}"),
                     rx.text_area(name=name, placeholder=placeholder, width="100%",
                                  id=f"new-competitor-{name}"),
                     spacing="1", width="100%")


def new_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("plus", size=16), "New battlecard",
                                    id="new-competitor")),
        rx.dialog.content(
            rx.dialog.title("New battlecard"),
            rx.cond(S.new_error != "", rx.callout(S.new_error, color_scheme="red",
                                                  icon="triangle-alert", role="alert")),
            rx.form(
                rx.vstack(
                    _input("Name", "name", "e.g. Rivalry Inc", required=True),
                    _input("Website", "website", "https://rival.example"),
                    _input("Industries they target (comma separated)", "industries",
                           "Technology, Financial Services"),
                    _input("Regions or countries", "geography", "North America, GB"),
                    rx.flex(_input("Employees from", "employees_min", "50"),
                            _input("Employees to", "employees_max", "1000"), spacing="3",
                            width="100%"),
                    _input("Segments", "segments", "Mid-market, SMB"),
                    _area("Strengths (Markdown)", "strengths", "- Big brand"),
                    _area("Weaknesses (Markdown)", "weaknesses"),
                    _area("Where they win (Markdown)", "where_they_win"),
                    _area("Gaps we can own (Markdown)", "gaps"),
                    _area("Pricing notes (Markdown)", "pricing_notes"),
                    _area("Talk track & objection handling (Markdown)", "talk_track"),
                    rx.hstack(rx.dialog.close(rx.button("Cancel", variant="soft",
                                                        type="button")),
                              rx.button("Create battlecard", type="submit",
                                        id="create-competitor"),
                              justify="end", width="100%"),
                    spacing="3",
                ),
                on_submit=S.create,
                reset_on_submit=False,
            ),
            max_width="600px",
        ),
        open=S.new_open,
        on_open_change=S.set_new_open,
    )


def row(r) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(r["name"], href="/competitors/" + r["id"], weight="medium")),
        rx.table.cell(rx.text(r["win_label"], class_name="competitor-win-rate")),
        rx.table.cell(r["won"] + " / " + r["lost"] + " / " + r["open"]),
        rx.table.cell(r["reviewed"]),
        class_name="competitor-row",
    )


def competitors_page() -> rx.Component:
    return app_shell(
        page_header(
            "Competitors", "Battlecards and win rates",
            rx.hstack(
                link_button(rx.icon("columns-3", size=16), "Compare", variant="soft",
                            href="/competitors/compare"),
                rx.cond(AppState.can_edit, new_dialog()),
                spacing="2",
            ),
        ),
        rx.cond(
            S.rows.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell("Competitor"),
                        rx.table.column_header_cell("Win rate against"),
                        rx.table.column_header_cell("Won / lost / open"),
                        rx.table.column_header_cell("Last reviewed"),
                    )),
                    rx.table.body(rx.foreach(S.rows, row)),
                    width="100%",
                ),
                width="100%", overflow_x="auto",
            ),
            rx.callout("No battlecards yet. Create one for each competitor you meet in deals.",
                       icon="info", width="100%"),
        ),
    )
