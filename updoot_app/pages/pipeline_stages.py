"""/pipeline/stages — rename, reorder, set probability, add and delete stages."""

import reflex as rx

from updoot_app.components.forms import form_error, hidden_label
from updoot_app.components.layout import app_shell, page_header
from updoot_app.state.crm.stages_state import StagesState as S


def stage_row(r) -> rx.Component:
    key = r["id"] + "-" + S.version.to_string()
    return rx.table.row(
        rx.table.cell(rx.input(default_value=r["name"], key="n" + key, max_length=60,
                               on_blur=S.rename(r["id"]), disabled=~S.can_edit,
                               aria_label="Name of the stage " + r["name"],
                               class_name="stage-name")),
        rx.table.cell(rx.input(default_value=r["probability"], key="p" + key, type="number",
                               min=0, max=100, width="80px", on_blur=S.set_probability(r["id"]),
                               disabled=~S.can_edit,
                               aria_label="Win probability % of " + r["name"],
                               class_name="stage-probability")),
        rx.table.cell(rx.badge(r["kind"], variant="soft")),
        rx.table.cell(rx.cond(S.can_edit, rx.hstack(
            rx.icon_button(rx.icon("arrow-up", size=14), size="1", variant="soft",
                           disabled=r["first"] != "", aria_label="Move " + r["name"] + " up",
                           on_click=S.move(r["id"], -1)),
            rx.icon_button(rx.icon("arrow-down", size=14), size="1", variant="soft",
                           disabled=r["last"] != "", aria_label="Move " + r["name"] + " down",
                           on_click=S.move(r["id"], 1)),
            rx.cond(r["kind"] == "open", rx.icon_button(
                rx.icon("trash-2", size=14), size="1", variant="ghost", color_scheme="red",
                aria_label="Delete the stage " + r["name"], on_click=S.delete(r["id"]))),
            spacing="2"))),
    )


def pipeline_stages() -> rx.Component:
    return app_shell(
        rx.link("← Pipeline", href="/pipeline", size="2"),
        page_header("Pipeline stages", "Names, order and win probability of your stages"),
        form_error(S.error),
        rx.box(rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                           ("Stage", "Probability %", "Kind", "")])),
            rx.table.body(rx.foreach(S.stage_rows, stage_row)),
            width="100%"), overflow_x="auto", width="100%"),
        rx.cond(S.can_edit, rx.form(
            rx.flex(
                hidden_label("New stage name", "new-stage-name"),
                rx.input(name="name", placeholder="New stage name", required=True,
                         max_length=60, id="new-stage-name"),
                hidden_label("Win probability % of the new stage", "new-stage-probability"),
                rx.input(name="probability", type="number", min=0, max=100,
                         placeholder="Probability %", width="130px",
                         id="new-stage-probability"),
                rx.button("Add stage", type="submit", id="add-stage"),
                spacing="2", wrap="wrap"),
            on_submit=S.add, reset_on_submit=True)),
        rx.text("A deal is flagged stale after ", S.stale_after_days,
                " days without activity. ", rx.link("Change it in Settings", href="/settings"),
                size="2", color_scheme="gray"),
    )
