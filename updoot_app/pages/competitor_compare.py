"""Us versus up to three competitors, side by side: a table to open during a call."""

from __future__ import annotations

import reflex as rx

from updoot_app.components.battlecard import MARKDOWN_STYLE
from updoot_app.components.layout import app_shell, link_button, page_header
from updoot_app.state.competitors.competitors_state import CompareState as C


def picker() -> rx.Component:
    return rx.flex(
        rx.cond(
            (C.selected.length() < 3) & (C.options.length() > 0),
            rx.select.root(
                rx.select.trigger(placeholder="Add a competitor to compare…",
                                  id="compare-add", min_width="240px",
                                  aria_label="Add a competitor to compare"),
                rx.select.content(rx.foreach(
                    C.options, lambda o: rx.select.item(o["name"], value=o["id"]))),
                value="",
                on_change=C.add,
                key=C.selected.length().to_string(),
            ),
        ),
        rx.foreach(C.selected_rows, lambda s: rx.button(
            rx.icon("x", size=12), s["name"], size="1", variant="soft",
            aria_label="Remove " + s["name"], on_click=C.remove(s["id"]))),
        spacing="2", wrap="wrap", align="center", width="100%",
    )


def cell(html) -> rx.Component:
    return rx.table.cell(rx.html(html, class_name="battlecard-md", font_size="14px",
                                 overflow_wrap="anywhere", style=MARKDOWN_STYLE),
                         min_width="180px", vertical_align="top")


def compare_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.text(row[0], weight="bold", size="2"),
                                 vertical_align="top", min_width="120px"),
        rx.foreach(row[1:], cell),
    )


def competitor_compare() -> rx.Component:
    return app_shell(
        page_header("Compare", "Us versus up to three competitors",
                    link_button("All competitors", variant="soft", href="/competitors")),
        picker(),
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(rx.foreach(
                    C.headers, lambda h: rx.table.column_header_cell(h)))),
                rx.table.body(rx.foreach(C.rows, compare_row)),
                width="100%", size="1",
            ),
            width="100%", overflow_x="auto", id="compare-table",
        ),
    )
