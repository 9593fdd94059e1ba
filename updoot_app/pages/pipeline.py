"""/pipeline — deals on a kanban board (or a paged list), with filters."""

import reflex as rx

from updoot_app.components import kanban
from updoot_app.components.fit_badge import fit_badge
from updoot_app.components.focus import dialog_focus_return
from updoot_app.components.follow_ups import follow_up_dialog
from updoot_app.components.forms import form_error, hidden_label
from updoot_app.components.layout import app_shell, link_button, page_header
from updoot_app.services.profiles import tiers
from updoot_app.state.crm.pipeline_state import ALL
from updoot_app.state.crm.pipeline_state import PipelineState as S

TIER_LABELS = [(t, f"Tier {t}" if len(t) == 1 else tiers.TIER_LABELS[t]) for t in tiers.FIT_TIERS]


def filter_select(key: str, label: str, options, fid: str) -> rx.Component:
    return rx.box(rx.select.root(
        rx.select.trigger(placeholder=label, id=fid, min_width="130px", aria_label=label),
        rx.select.content(
            rx.select.item(f"All {label.lower()}s", value=ALL),
            options,
        ),
        value=rx.cond(S.filters[key] != "", S.filters[key], ALL),
        on_change=S.set_filter(key),
        size="2",
    ))


def filters() -> rx.Component:
    return rx.flex(
        filter_select("fit_tier", "Fit tier",
                      rx.fragment(*[rx.select.item(lbl, value=v) for v, lbl in TIER_LABELS]),
                      "filter-fit"),
        filter_select("owner_id", "Owner",
                      rx.foreach(S.owner_options,
                                 lambda o: rx.select.item(o["label"], value=o["id"])),
                      "filter-owner"),
        filter_select("persona_id", "Persona",
                      rx.foreach(S.persona_options,
                                 lambda o: rx.select.item(o["label"], value=o["id"])),
                      "filter-persona"),
        filter_select("competitor_id", "Competitor",
                      rx.foreach(S.competitor_options,
                                 lambda o: rx.select.item(o["label"], value=o["id"])),
                      "filter-competitor"),
        filter_select("next_step", "Next step",
                      rx.select.item("No next step", value="none"), "filter-next-step"),
        rx.button("Clear", variant="ghost", size="2", on_click=S.clear_filters),
        wrap="wrap", align="center", style={"gap": "0.5rem"},
    )


def view_toggle() -> rx.Component:
    return rx.segmented_control.root(
        rx.segmented_control.item("Board", value="board"),
        rx.segmented_control.item("List", value="list"),
        value=S.view,
        on_change=S.set_view,
        id="view-toggle",
        aria_label="View",
    )


LOST_FALLBACK = ("js:document.querySelector('.deal-card[data-deal=\"' + "
                 "CSS.escape(document.getElementById('move-menu')?.dataset.deal || '') + "
                 "'\"] .move-button')")


def lost_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Why was it lost?"),
            rx.dialog.description(S.lost_title, size="2", color_scheme="gray"),
            rx.form(
                rx.vstack(
                    form_error(S.lost_error),
                    hidden_label("Lost reason", "lost-reason"),
                    rx.input(name="lost_reason", id="lost-reason", width="100%",
                             placeholder="e.g. Chose a competitor", max_length=300),
                    rx.hstack(
                        rx.button("Cancel", variant="soft", type="button",
                                  on_click=S.cancel_lost),
                        rx.button("Mark as lost", type="submit", color_scheme="red",
                                  id="confirm-lost"),
                        justify="end", width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=S.confirm_lost,
                reset_on_submit=True,
            ),
            max_width="440px",
            # Closed, the focus goes back to the deal's Move button (in the column it
            # is now in): the one that opened the menu, or the menu's deal's.
            **dialog_focus_return("lost", LOST_FALLBACK),
        ),
        open=S.lost_open,
        on_open_change=S.lost_dialog_change,
    )


def list_row(r) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(r["title"], href="/deals/" + r["id"], class_name="deal-link")),
        rx.table.cell(r["company"]),
        rx.table.cell(r["stage"]),
        rx.table.cell(r["value"], text_align="right", white_space="nowrap"),
        rx.table.cell(fit_badge(r["fit_tier"], r["fit_score"], r["fit_summary"])),
        rx.table.cell(r["owner"]),
        rx.table.cell(r["days"], "d", rx.cond(r["stale"] != "",
                                             rx.badge("Stale", color_scheme="orange",
                                                      size="1", margin_left="0.3rem"))),
        class_name="list-row",
    )


def list_view() -> rx.Component:
    return rx.vstack(
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(
                    *[rx.table.column_header_cell(h) for h in
                      ("Deal", "Company", "Stage", "Value", "Fit", "Owner", "In stage")])),
                rx.table.body(rx.foreach(S.list_rows, list_row)),
                width="100%", size="1",
            ),
            overflow_x="auto", width="100%",
        ),
        rx.hstack(
            rx.button("Previous", size="1", variant="soft", disabled=S.list_page <= 1,
                      on_click=S.go_page(S.list_page - 1)),
            rx.text("Page ", S.list_page, " of ", S.list_pages, " · ", S.list_total, " deals",
                    size="2", id="list-paging"),
            rx.button("Next", size="1", variant="soft", disabled=S.list_page >= S.list_pages,
                      on_click=S.go_page(S.list_page + 1)),
            align="center",
        ),
        width="100%", spacing="3",
    )


def pipeline() -> rx.Component:
    return app_shell(
        page_header("Pipeline", "Deals by stage: drag a card, or use its Move button",
                    rx.hstack(view_toggle(),
                              link_button(rx.icon("settings-2", size=16), "Stages",
                                          variant="soft", id="stages-settings",
                                          href="/pipeline/stages"),
                              spacing="2", align="center")),
        filters(),
        rx.cond(S.board_empty, rx.callout(
            "No deals here yet. Add deals from a company, or clear the filters.",
            icon="info", size="1", id="pipeline-empty")),
        rx.cond(
            S.view == "list",
            list_view(),
            kanban.board(S.columns, S.cards, S.stage_options, on_drop=S.drop_on,
                         on_drag_start=S.start_drag, on_pick=S.pick, on_move=S.drop_on,
                         on_more=S.show_more, can_edit=S.can_edit,
                         moving=(S.moving_deal, S.moving_title, S.moving_stage),
                         on_next=lambda deal_id: S.new_follow_up("", deal_id)),
        ),
        lost_dialog(),
        follow_up_dialog(S),
    )
