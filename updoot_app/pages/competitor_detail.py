"""One competitor: the battlecard, win/loss by our fit tier, win rate over time,
where their target overlaps our ICP, where we meet them, and the edit form."""

from __future__ import annotations

import reflex as rx

from updoot_app.components.battlecard import battlecard
from updoot_app.components.forms import label
from updoot_app.components.layout import app_shell, link_button, page_header
from updoot_app.components.plot import plot
from updoot_app.state.app_state import AppState
from updoot_app.state.competitors.competitors_state import CompetitorDetailState as D

STATUS_COLORS = {"overlap": "amber", "no_overlap": "green", "not_stated": "gray"}


def table(headers: list[str], rows, cells, id: str) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rx.foreach(rows, lambda r: rx.table.row(
                *[rx.table.cell(c(r)) for c in cells]))),
            width="100%", size="1",
        ),
        width="100%", overflow_x="auto", id=id,
    )


def tier_table() -> rx.Component:
    return table(
        ["Our fit tier", "Win rate", "Won", "Lost", "Open", "Avg deal size", "Avg cycle"],
        D.tier_rows,
        [lambda r: r["tier"], lambda r: r["rate"], lambda r: r["won"], lambda r: r["lost"],
         lambda r: r["open"], lambda r: r["avg_size"], lambda r: r["avg_cycle"]],
        "tier-table",
    )


def overlap_table() -> rx.Component:
    return table(
        ["Our ICP", "Criterion", "We target", "They also target", ""],
        D.overlap_rows,
        [lambda r: r["icp"], lambda r: r["label"], lambda r: r["ours"],
         lambda r: r["shared"],
         lambda r: rx.badge(r["status_text"],
                            color_scheme=rx.match(r["status"], *STATUS_COLORS.items(),
                                                  "gray"))],
        "overlap-table",
    )


def segments() -> rx.Component:
    def seg_table(title: str, rows, id: str):
        return rx.vstack(rx.text(title, weight="bold", size="2"),
                         table(["Segment", "Deals", "Win rate"], rows,
                               [lambda r: r["segment"], lambda r: r["deals"],
                                lambda r: r["win_label"]], id),
                         width="100%", spacing="1")

    return rx.grid(seg_table("By industry", D.industry_rows, "segments-industry"),
                   seg_table("By country", D.country_rows, "segments-country"),
                   columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%")


def _input(text: str, key: str):
    return rx.vstack(label(text, f"edit-{key}"),
                     rx.input(name=key, default_value=D.form[key], width="100%",
                              id=f"edit-{key}", key=D.form_key.to_string() + "-" + key),
                     spacing="1", width="100%")


def _area(text: str, key: str):
    return rx.vstack(label(text, f"edit-{key}"),
                     rx.text_area(name=key, default_value=D.form[key], width="100%",
                                  rows="4", id=f"edit-{key}", key=D.form_key.to_string() + "-" + key),
                     spacing="1", width="100%")


def edit_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Edit battlecard", size="4", as_="h2"),
                rx.cond(D.edit_error != "", rx.callout(D.edit_error, color_scheme="red",
                                                       icon="triangle-alert", role="alert")),
                rx.grid(
                    _input("Name", "name"), _input("Website", "website"),
                    _input("Industries they target", "industries"),
                    _input("Regions or countries", "geography"),
                    _input("Employees from", "employees_min"),
                    _input("Employees to", "employees_max"),
                    _input("Segments", "segments"),
                    columns=rx.breakpoints(initial="1", md="2"), spacing="3", width="100%",
                ),
                _area("Strengths", "strengths"), _area("Weaknesses", "weaknesses"),
                _area("Where they win", "where_they_win"), _area("Gaps we can own", "gaps"),
                _area("Pricing notes", "pricing_notes"),
                _area("Talk track & objection handling", "talk_track"),
                rx.text("Markdown: **bold**, - lists, [links](https://…). HTML is shown as text.",
                        size="1", color_scheme="gray"),
                rx.hstack(rx.button("Save battlecard", type="submit", id="save-competitor"),
                          justify="end", width="100%"),
                spacing="3", width="100%",
            ),
            on_submit=D.save, reset_on_submit=False,
        ),
        width="100%",
    )


def competitor_detail() -> rx.Component:
    return app_shell(
        page_header(
            "Battlecard", "",
            rx.hstack(
                link_button("All competitors", variant="soft", href="/competitors"),
                link_button("Compare", variant="soft",
                            href="/competitors/compare?ids=" + D.card["id"]),
                rx.cond(AppState.can_edit,
                        rx.button(rx.icon("badge-check", size=16), "Mark reviewed",
                                  on_click=D.mark_reviewed, id="mark-reviewed")),
                spacing="2", wrap="wrap",
            ),
        ),
        rx.cond(D.card.contains("id"), battlecard(D.card, link=False)),
        rx.card(
            rx.vstack(
                rx.heading("Win / loss when they are on the deal", size="4", as_="h2"),
                rx.text("Overall: ", rx.text.strong(D.overall["label"], id="overall-win-rate"),
                        " — won ", D.overall["won"], ", lost ", D.overall["lost"], ", open ",
                        D.overall["open"], size="2"),
                rx.cond(D.tier_rows.length() > 0, tier_table(),
                        rx.text("No deals with this competitor yet.", color_scheme="gray",
                                size="2")),
                rx.text("Win rate counts won and lost deals only; n is how many. Averages are "
                        "over closed deals in the workspace currency.", size="1",
                        color_scheme="gray"),
                spacing="3", width="100%",
            ),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.heading("Win rate over time", size="4", as_="h2"),
                rx.cond(D.has_quarters,
                        rx.box(plot(D.figure, width="100%"), width="100%",
                               id="win-rate-chart"),
                        rx.text("No closed deals with this competitor yet.",
                                color_scheme="gray", size="2")),
                spacing="3", width="100%",
            ),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.heading("Overlap with our ICP", size="4", as_="h2"),
                rx.cond(D.overlap_rows.length() > 0, overlap_table(),
                        rx.text("No active ICP to compare with.", color_scheme="gray",
                                size="2")),
                rx.heading("Where we meet them", size="4", as_="h2"),
                segments(),
                spacing="3", width="100%",
            ),
            width="100%",
        ),
        rx.cond(AppState.can_edit, edit_form()),
        rx.cond(AppState.can_edit,
                rx.alert_dialog.root(
                    rx.alert_dialog.trigger(rx.button("Delete battlecard", color_scheme="red",
                                                      variant="soft")),
                    rx.alert_dialog.content(
                        rx.alert_dialog.title("Delete this battlecard?"),
                        rx.alert_dialog.description(
                            "It is removed from every deal it is attached to."),
                        rx.hstack(rx.alert_dialog.cancel(rx.button("Cancel", variant="soft")),
                                  rx.alert_dialog.action(rx.button("Delete", color_scheme="red",
                                                                   on_click=D.delete)),
                                  justify="end", spacing="2"),
                    ),
                )),
    )
