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
from reflex.components.react_router.dom import ReactRouterLink
from reflex.event import no_args_event_spec

from updoot_app.components.fit_badge import fit_button_name, fit_label


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


CARD_FIELDS = ("id", "title", "company", "value", "fit_tier", "fit_score", "owner", "days",
               "stale", "closed", "coverage", "covered", "no_next")


def _span(*children, cls: str, **props) -> rx.Component:
    return rx.el.span(*children, class_name=cls, **props)


MOVE_MENU_ID = "move-menu"


def move_menu(options: rx.Var, deal: rx.Var, title: rx.Var, current: rx.Var,
              on_move: Callable[[rx.Var], rx.EventSpec]) -> rx.Component:
    """The board's one "Move to stage" menu, a native popover opened by a card's
    Move button (keyboard: Tab into it, Escape closes; touch: tap). One menu for
    the board instead of a select of every stage on every card: a card with its
    own select cost the browser about 0.7 ms to draw, a plain button a tenth of
    that. The card's button tells the server which deal (`on_pick`, before any
    stage can be chosen: a client's events are handled in order); a stage here
    then moves that deal (`on_move(stage id)`)."""
    return rx.el.div(
        rx.el.div("Move ", rx.el.strong(title, id="move-menu-title"), " to",
                  class_name="move-menu-heading"),
        rx.foreach(options, lambda s: rx.el.button(
            s["name"], type="button", class_name="move-option",
            disabled=s["id"] == current,
            on_click=on_move(s["id"]),
            custom_attrs={"data-stage": s["name"], "popovertarget": MOVE_MENU_ID,
                          "popovertargetaction": "hide"})),
        id=MOVE_MENU_ID, class_name="move-popover", role="dialog",
        aria_label="Move to stage", custom_attrs={"popover": "auto", "data-deal": deal},
    )


def deal_card_factory(on_drag_start: Callable, on_pick: Callable,
                      on_next: Callable | None = None) -> Callable[..., rx.Component]:
    """A deal card as a memoized React component (rx.memo) whose props are plain
    strings. With the deal id as React key, a move re-renders only the card that
    moved: every other card keeps its props and is skipped, however many the
    board shows.

    The card is plain HTML styled by assets/kanban.css: a board mounts a hundred of
    them, and themed components with per-element styles cost several times more.
    Moving is a plain button that opens the board's one move menu (`move_menu`);
    the fit explanation is a native popover, the same sentence the fit badge shows."""

    @rx.memo
    def deal_card(deal_id: rx.Var[str], title: rx.Var[str], company: rx.Var[str],
                  value: rx.Var[str], fit_tier: rx.Var[str], fit_score: rx.Var[str],
                  owner: rx.Var[str], days: rx.Var[str], stale: rx.Var[str],
                  closed: rx.Var[str], coverage: rx.Var[str],
                  covered: rx.Var[str], no_next: rx.Var[str],
                  can_edit: rx.Var[bool]) -> rx.Component:
        popover_id = "fit-" + deal_id
        move = rx.el.button("Move", type="button", class_name="move-button",
                            aria_label="Move to stage", on_click=on_pick(deal_id),
                            custom_attrs={"popovertarget": MOVE_MENU_ID,
                                          "aria-haspopup": "dialog",
                                          "data-focus-key": "move-" + deal_id})
        return DragCard.create(
            rx.el.div(
                # React Router's link with Radix's link classes (what rx.link draws,
                # without the hover style it builds on each render): assets/kanban.css.
                ReactRouterLink.create(title, to="/deals/" + deal_id,
                                       class_name="rt-Text rt-reset rt-Link rt-underline-auto "
                                                  "deal-link",
                                       custom_attrs={"data-accent-color": ""}),
                rx.el.span(class_name="spacer"),
                rx.cond(can_edit, move),
                class_name="card-row",
            ),
            rx.el.div(company, class_name="card-company muted"),
            rx.el.div(
                _span(value, cls="card-value"),
                rx.el.span(class_name="spacer"),
                rx.el.button(fit_label(fit_tier, fit_score), type="button", class_name="pill fit-badge tier-" + fit_tier,
                             aria_label=fit_button_name(fit_tier, fit_score),
                             custom_attrs={"popovertarget": popover_id}),
                rx.el.div(rx.cond(fit_tier == "", "No active ICP scored this company yet.",
                                  fit_sentence({"fit_tier": fit_tier, "fit_score": fit_score})),
                          id=popover_id, class_name="fit-popover fit-summary",
                          custom_attrs={"popover": "auto"}),
                class_name="card-row",
            ),
            rx.el.div(
                _span(owner, cls="muted"), _span("·", cls="muted"),
                _span(days, "d in stage", cls="muted"),
                rx.el.span(class_name="spacer"),
                rx.cond(stale != "", _span("Stale", cls="pill stale-flag")),
                rx.cond(no_next != "", _span("No next step", cls="pill stale-flag no-next-step")),
                rx.cond(can_edit, rx.el.button("+ Next step", type="button",
                                               class_name="next-step-button",
                                               aria_label="Schedule a follow-up",
                                               on_click=on_next(deal_id),
                                               custom_attrs={"data-focus-key":
                                                             "next-" + deal_id}))
                if on_next is not None else rx.fragment(),
                _span("Roles ", coverage, title="Buying roles covered: economic buyer, champion, "
                      "technical evaluator, user",
                      cls=rx.match(covered, ("4", "pill coverage-mark covered-4"),
                                   ("0", "pill coverage-mark"),
                                   "pill coverage-mark covered-some")),
                class_name="card-row wrap",
            ),
            rx.cond(closed != "", rx.el.div("Closed ", closed, class_name="muted")),
            draggable=can_edit,
            on_drag_start=on_drag_start(deal_id),
            class_name="deal-card",
            custom_attrs={"data-deal": deal_id},
        )

    def render(card: rx.Var, can_edit: rx.Var) -> rx.Component:
        component = deal_card(deal_id=card["id"].to(str),
                              **{f: card[f].to(str) for f in CARD_FIELDS if f != "id"},
                              can_edit=can_edit)
        component.key = card["id"]  # React key: the deal, not its position in the column
        return component

    return render


@rx.memo
def column_header(name: rx.Var[str], count: rx.Var[str], probability: rx.Var[str],
                  value: rx.Var[str], weighted: rx.Var[str],
                  other: rx.Var[str]) -> rx.Component:
    """A column's name, count and sums: a memoized component whose props are plain
    strings, so a move draws again only the two headers whose figures changed.
    Plain elements with Radix Themes' own classes (what rx.text, rx.badge and
    rx.hstack draw), without their per-element styles: the same look, drawn
    without a component or a style rule built at render time."""
    return rx.el.div(
        rx.el.div(
            rx.el.p(name, class_name="rt-Text rt-r-size-3 rt-r-weight-bold"),
            rx.el.span(count, class_name="rt-reset rt-Badge rt-r-size-1 rt-variant-soft col-count",
                       custom_attrs={"data-accent-color": ""}),
            rx.el.div(class_name="col-spacer"),
            rx.el.p(probability, "%", class_name="rt-Text rt-r-size-1",
                    custom_attrs={"data-accent-color": "gray"}),
            class_name="rt-Flex rt-r-fd-row rt-r-ai-center rt-r-gap-3 col-head-row",
        ),
        rx.el.div(
            rx.el.p(value, class_name="rt-Text rt-r-size-2 col-total"),
            rx.el.p("weighted ", weighted, class_name="rt-Text rt-r-size-1 col-weighted",
                    custom_attrs={"data-accent-color": "gray"}),
            class_name="rt-Flex rt-r-fd-row rt-r-ai-baseline rt-r-jc-space-between rt-r-fw-wrap "
                       "rt-r-gap-3 col-head-row",
        ),
        rx.cond(other != "", rx.el.p("+ ", other, class_name="rt-Text rt-r-size-1",
                                     custom_attrs={"data-accent-color": "gray"})),
        class_name="rt-Flex rt-r-fd-column rt-r-ai-start rt-r-gap-1 col-head",
    )


def board(columns: rx.Var, cards: rx.Var, options: rx.Var, *, on_drop: Callable,
          on_drag_start: Callable, on_pick: Callable, on_move: Callable, on_more: Callable,
          can_edit: rx.Var, moving: tuple[rx.Var, rx.Var, rx.Var],
          on_next: Callable | None = None) -> rx.Component:
    """The columns, and the move menu (`on_pick(deal id)` from a card's Move
    button, then `on_move(stage id)`; `moving`: the picked deal's id, title and
    stage id); `on_next(deal id)` a card's "+ Next step" (a follow-up on the deal)."""
    deal_card = deal_card_factory(on_drag_start, on_pick, on_next)

    def one_column(col: rx.Var) -> rx.Component:
        # Plain elements styled by assets/kanban.css (.kanban-column, .kanban-stack):
        # every column is drawn again on each move (the board's cards changed), and
        # themed layout components with per-element styles cost several times more.
        return DropZone.create(
            rx.el.div(
                column_header(name=col["name"], count=col["count"],
                              probability=col["probability"], value=col["value"],
                              weighted=col["weighted"], other=col["other"]),
                rx.foreach(cards[col["stage_id"]],
                           lambda c: deal_card(c, can_edit)),
                rx.cond(col["more"] != "0",
                        rx.button("Show more (", col["more"], " not shown)", size="1",
                                  variant="ghost", color_scheme="gray", class_name="col-more",
                                  on_click=on_more(col["stage_id"]))),
                class_name="kanban-stack",
            ),
            on_drag_over=rx.prevent_default,
            on_drag_enter=rx.prevent_default,
            on_drop=on_drop(col["stage_id"]).prevent_default,
            class_name="kanban-column",
            id="column-" + col["name"],
            custom_attrs={"data-stage": col["name"]},
        )

    return rx.box(
        rx.hstack(rx.foreach(columns, one_column), spacing="3", align="start"),
        rx.cond(can_edit, move_menu(options, *moving, on_move)),
        overflow_x="auto",
        width="100%",
        padding_bottom="0.5rem",
        id="kanban",
    )
