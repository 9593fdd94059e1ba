"""Goals: set a target for a metric, a segment and a period; see progress and pace."""

import reflex as rx

from updoot_app.components.forms import labelled, labelled_by
from updoot_app.components.layout import app_shell, page_header
from updoot_app.components.stat import named_progress
from updoot_app.state.kpis.goals_state import (
    METRIC_CHOICES,
    PERIOD_CHOICES,
    SEGMENT_CHOICES,
)
from updoot_app.state.kpis.goals_state import GoalsState as G


def choice(text: str, name: str, options: list[dict], default: str, *, id: str,
           **props) -> rx.Component:
    return labelled(text, id, rx.select.root(
        rx.select.trigger(width="100%", id=id, aria_labelledby=labelled_by(id)),
        rx.select.content(*[rx.select.item(o["label"], value=o["value"]) for o in options]),
        name=name, default_value=default, **props,
    ))


def dynamic_choice(text: str, name: str, options, placeholder: str, *,
                   id: str) -> rx.Component:
    return labelled(text, id, rx.select.root(
        rx.select.trigger(placeholder=placeholder, width="100%", id=id,
                          aria_labelledby=labelled_by(id)),
        rx.select.content(rx.foreach(options, lambda o: rx.select.item(o["label"],
                                                                       value=o["value"]))),
        name=name,
    ))


def text_field(text: str, name: str, placeholder: str = "", type: str = "text", *, id: str,
               **props) -> rx.Component:
    return labelled(text, id, rx.input(name=name, placeholder=placeholder, type=type,
                                       width="100%", id=id, **props))


def goal_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Set a goal", size="4", as_="h2"),
                rx.grid(
                    choice("Metric", "metric", METRIC_CHOICES, "revenue",
                           on_change=G.set_metric, id="goal-metric"),
                    text_field("Target", "target", "e.g. 50000, or 30 for 30 %",
                               id="goal-target", input_mode="decimal"),
                    choice("Period", "period_kind", PERIOD_CHOICES, "month",
                           on_change=G.set_period_kind, id="goal-period"),
                    text_field("Starting (a day in the period)", "start", type="date",
                               id="goal-start"),
                    rx.cond(G.period_kind == "custom",
                            text_field("Ending", "end", type="date", id="goal-end")),
                    choice("Segment", "segment_type", SEGMENT_CHOICES, "all", id="goal-segment"),
                    text_field("Segment value", "segment_value",
                               "e.g. A, Technology, DE, Europe, fresh", id="goal-segment-value"),
                    rx.cond(G.metric == "conversion_rate",
                            dynamic_choice("From stage (to the next)", "stage_id",
                                           G.open_stages, "Overall (first stage → won)",
                                           id="goal-stage")),
                    dynamic_choice("Owner", "owner_id", G.owners, "Me", id="goal-owner"),
                    text_field("Name (optional)", "name", "e.g. Q4 revenue from tier A",
                               id="goal-name"),
                    columns=rx.breakpoints(initial="1", sm="2", md="3"), spacing="3",
                    width="100%",
                ),
                rx.cond(G.form_error != "",
                        rx.callout(G.form_error, color_scheme="red", icon="triangle_alert",
                                   size="1", id="goal-error")),
                rx.text("Rates are percentages. Sums (leads, deals, revenue) are on track when "
                        "they reach 90 % of target × the share of the period gone by; rates "
                        "and averages are compared with the target itself.", size="1",
                        color_scheme="gray"),
                rx.button("Save goal", type="submit", id="goal-save"),
                spacing="3", width="100%",
            ),
            on_submit=G.create, reset_on_submit=False, key=G.form_key.to_string(),
        ),
        width="100%",
    )


def goal_item(g: dict) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.vstack(rx.text(g["title"], weight="medium"),
                          rx.text(g["metric"], " · ", g["period"], " · owner ", g["owner"],
                                  size="1", color_scheme="gray"), spacing="0"),
                rx.spacer(),
                rx.badge(g["status_label"], color_scheme=g["color"], variant="soft",
                         class_name="goal-status"),
                rx.icon_button(rx.icon("trash-2", size=14), variant="ghost", color_scheme="red",
                               size="1", on_click=G.delete(g["id"]),
                               aria_label="Delete goal"),
                width="100%", spacing="2", align="center", wrap="wrap",
            ),
            named_progress(g["percent"], g["title"], color_scheme=g["color"]),
            rx.text(g["actual"], " of ", g["target"],
                    rx.cond(g["expected"] != "", " · " + g["expected"], ""),
                    " · n=", g["n"],
                    rx.cond(g["note"] != "", " · " + g["note"], ""),
                    size="1", color_scheme="gray"),
            spacing="2", width="100%",
        ),
        width="100%", class_name="goal-row",
    )


def goals_page() -> rx.Component:
    return app_shell(
        page_header("Goals", "Targets by metric, segment and period, with progress and pace."),
        goal_form(),
        rx.cond(G.goal_rows.length() > 0,
                rx.vstack(rx.foreach(G.goal_rows, goal_item), spacing="3", width="100%",
                          id="goal-list"),
                rx.text("No goals yet.", color_scheme="gray")),
    )
