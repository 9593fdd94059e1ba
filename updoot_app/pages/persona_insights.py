"""One persona as the sales conversations describe it: objections heard lately, new
ones worth adding, and how deals go with it in the buying committee."""

import reflex as rx

from updoot_app.components.layout import app_shell, link_button, page_header
from updoot_app.state.profiles.persona_insights_state import PersonaInsightsState as S


def objection_row(r: dict) -> rx.Component:
    return rx.table.row(rx.table.row_header_cell(r["objection"]),
                        rx.table.cell(r["count_90d"], text_align="right"),
                        rx.table.cell(r["last_seen"]), rx.table.cell(r["source"]))


def persona_insights() -> rx.Component:
    return app_shell(
        page_header(S.persona["name"], "What your sales conversations say about this persona."),
        rx.text(S.persona["role_title"], color_scheme="gray"),
        rx.grid(
            rx.card(rx.vstack(rx.text("Deals with this persona in the buying committee",
                                      size="2", color_scheme="gray"),
                              rx.text(S.with_rate, size="5", weight="bold", id="rate-with"),
                              spacing="1"), width="100%"),
            rx.card(rx.vstack(rx.text("Deals without it", size="2", color_scheme="gray"),
                              rx.text(S.without_rate, size="5", weight="bold",
                                      id="rate-without"),
                              spacing="1"), width="100%"),
            columns=rx.breakpoints(initial="1", sm="2"), spacing="4", width="100%",
        ),
        rx.cond(S.suggested.length() > 0, rx.callout(rx.vstack(
            rx.text("Heard at least three times and not on the persona yet:"),
            rx.foreach(S.suggested, lambda o: rx.hstack(
                rx.text(o, weight="medium"),
                rx.cond(S.can_edit, rx.button("Add to the persona", size="1", variant="soft",
                                              on_click=S.add_objection(o),
                                              class_name="add-objection")),
                align="center", spacing="2")),
            spacing="2"), icon="lightbulb", width="100%", id="suggested-objections")),
        rx.card(rx.vstack(
            rx.heading("Objections, last 90 days", size="4", as_="h2"),
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell("Objection"),
                    rx.table.column_header_cell("Times heard", text_align="right"),
                    rx.table.column_header_cell("Last heard"),
                    rx.table.column_header_cell("Where from"))),
                rx.table.body(rx.foreach(S.objection_rows, objection_row)),
                size="1", width="100%", id="objection-table"), overflow_x="auto", width="100%"),
            spacing="3", width="100%"), width="100%"),
        rx.text(link_button("Back to the profile", variant="soft",
                            href="/profiles/" + S.persona["icp_id"])),
    )
