"""The kanban board: columns (drop zones) of deal cards (draggable), each card
with a "Move to stage" menu so keyboards and touch screens can move deals too.

Reflex has no drag and drop triggers on elements, so two small subclasses of
`rx.el.Div` declare the native HTML5 ones. `on_drag_over=rx.prevent_default`
runs in the browser only (it marks the column as a drop target); the drop and
the drag start each send one event to the server.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.event import no_args_event_spec

from updoot_app.components.fit_badge import fit_badge

COLUMN_WIDTH = "272px"


class DropZone(rx.el.Div):
    """A div that accepts native HTML5 drops."""

    on_drop: rx.EventHandler[no_args_event_spec]
    on_drag_over: rx.EventHandler[no_args_event_spec]
    on_drag_enter: rx.EventHandler[no_args_event_spec]


class DragCard(rx.el.Div):
    """A div that can be dragged (set draggable=True)."""

    on_drag_start: rx.EventHandler[no_args_event_spec]
    on_drag_end: rx.EventHandler[no_args_event_spec]


def stage_menu(options: rx.Var, current: rx.Var, on_pick: Callable[[rx.Var], rx.EventSpec],
               trigger: rx.Component) -> rx.Component:
    """A menu listing every stage but the current one; picking one calls on_pick(id)."""
    return rx.menu.root(
        rx.menu.trigger(trigger),
        rx.menu.content(
            rx.text("Move to stage", size="1", color_scheme="gray", padding_x="0.5rem"),
            rx.foreach(
                options,
                lambda s: rx.cond(
                    s["id"] != current,
                    rx.menu.item(s["name"], on_click=on_pick(s["id"]),
                                 class_name="move-option",
                                 custom_attrs={"data-stage": s["name"]}),
                ),
            ),
        ),
    )


def fit_sentence(card: rx.Var) -> rx.Var:
    return rx.cond(card["fit_tier"] != "",
                   "Fit score " + card["fit_score"].to(str) + ", tier " +
                   card["fit_tier"].to(str) +
                   ": open the company for the criterion-by-criterion explanation.", "")


def coverage_mark(mark: rx.Var, covered: rx.Var) -> rx.Component:
    # A plain title, not a tooltip component: a board has a hundred of these and a
    # move re-renders them all.
    return rx.badge(rx.icon("users", size=12), mark, variant="outline",
                    color_scheme=rx.match(covered, ("4", "green"), ("0", "gray"), "amber"),
                    class_name="coverage-mark",
                    title="Buying roles covered: economic buyer, champion, technical "
                          "evaluator, user")


def deal_card(card: rx.Var, options: rx.Var, on_drag_start: Callable,
              on_move: Callable, can_edit: rx.Var) -> rx.Component:
    return DragCard.create(
        rx.vstack(
            rx.hstack(
                rx.link(card["title"], href="/deals/" + card["id"], weight="medium",
                        size="2", class_name="deal-link", min_width="0",
                        overflow="hidden", text_overflow="ellipsis", white_space="nowrap"),
                rx.spacer(),
                rx.cond(can_edit, stage_menu(
                    options, card["stage_id"], lambda sid: on_move(card["id"], sid),
                    rx.icon_button(rx.icon("arrow-right-left", size=14), size="1",
                                   variant="ghost", aria_label="Move to stage",
                                   class_name="move-menu"),
                )),
                width="100%", align="center", spacing="1",
            ),
            rx.text(card["company"], size="1", color_scheme="gray", class_name="card-company",
                    overflow="hidden", text_overflow="ellipsis", white_space="nowrap",
                    max_width="100%"),
            rx.hstack(
                rx.text(card["value"], size="2", weight="bold", class_name="card-value"),
                rx.spacer(),
                fit_badge(card["fit_tier"], card["fit_score"], fit_sentence(card)),
                width="100%", align="center",
            ),
            rx.hstack(
                rx.text(card["owner"], size="1", color_scheme="gray"),
                rx.text("·", size="1", color_scheme="gray"),
                rx.text(card["days"], "d in stage", size="1", color_scheme="gray"),
                rx.spacer(),
                rx.cond(card["stale"] != "",
                        rx.badge("Stale", color_scheme="orange", size="1",
                                 class_name="stale-flag")),
                coverage_mark(card["coverage"], card["covered"]),
                width="100%", align="center", spacing="1", wrap="wrap",
            ),
            rx.cond(card["closed"] != "",
                    rx.text("Closed ", card["closed"], size="1", color_scheme="gray")),
            spacing="1", width="100%",
        ),
        draggable=can_edit,
        on_drag_start=on_drag_start(card["id"]),
        class_name="deal-card",
        custom_attrs={"data-deal": card["id"]},
        padding="0.6rem",
        border_radius="8px",
        border=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 1),
        cursor=rx.cond(can_edit, "grab", "default"),
        width="100%",
    )


def column_header(col: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(col["name"], weight="bold", size="3"),
            rx.badge(col["count"], variant="soft", class_name="col-count"),
            rx.spacer(),
            rx.text(col["probability"], "%", size="1", color_scheme="gray"),
            width="100%", align="center",
        ),
        rx.hstack(
            rx.text(col["value"], size="2", class_name="col-total"),
            rx.text("weighted ", col["weighted"], size="1", color_scheme="gray",
                    class_name="col-weighted"),
            width="100%", align="baseline", justify="between", wrap="wrap",
        ),
        rx.cond(col["other"] != "", rx.text("+ ", col["other"], size="1",
                                            color_scheme="gray")),
        spacing="1", width="100%",
    )


def board(columns: rx.Var, cards: rx.Var, options: rx.Var, *, on_drop: Callable,
          on_drag_start: Callable, on_move: Callable, can_edit: rx.Var) -> rx.Component:
    def one_column(col: rx.Var) -> rx.Component:
        return DropZone.create(
            rx.vstack(
                column_header(col),
                rx.foreach(cards[col["stage_id"]],
                           lambda c: deal_card(c, options, on_drag_start, on_move, can_edit)),
                rx.cond(col["more"] != "0",
                        rx.text("+", col["more"], " more", size="1", color_scheme="gray",
                                class_name="col-more")),
                spacing="2", width="100%",
            ),
            on_drag_over=rx.prevent_default,
            on_drag_enter=rx.prevent_default,
            on_drop=on_drop(col["stage_id"]).prevent_default,
            class_name="kanban-column",
            id="column-" + col["name"],
            custom_attrs={"data-stage": col["name"]},
            min_width=COLUMN_WIDTH,
            width=COLUMN_WIDTH,
            padding="0.6rem",
            border_radius="10px",
            background=rx.color("gray", 3),
            min_height="240px",
        )

    return rx.box(
        rx.hstack(rx.foreach(columns, one_column), spacing="3", align="start"),
        overflow_x="auto",
        width="100%",
        padding_bottom="0.5rem",
        id="kanban",
    )
