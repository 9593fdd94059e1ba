"""Start from your best customers: what sets them apart, the ICP draft that says so,
and its backtest beside the current ICP's."""

import reflex as rx

from updoot_app.components.forms import form_error, label, labelled_by
from updoot_app.components.icp_backtest import backtest_tables
from updoot_app.components.layout import app_shell, link_button, page_header
from updoot_app.state.profiles.icp_suggest_state import BEST_CHOICES
from updoot_app.state.profiles.icp_suggest_state import IcpSuggestState as S


def best_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.vstack(
                label("Best customers are", "suggest-best"),
                rx.select.root(
                    rx.select.trigger(id="suggest-best", width="240px",
                                      custom_attrs={"aria-labelledby":
                                                    labelled_by("suggest-best")}),
                    rx.select.content(*[rx.select.item(text, value=value)
                                        for value, text in BEST_CHOICES.items()]),
                    name="best", default_value="won",
                ),
                spacing="1",
            ),
            rx.vstack(label("N", "suggest-top"),
                      rx.input(name="top", id="suggest-top", type="number", min=1,
                               default_value=S.top, width="90px"),
                      spacing="1"),
            rx.vstack(label("Tag", "suggest-tag"),
                      rx.input(name="tag", id="suggest-tag", default_value=S.tag,
                               placeholder="e.g. strategic", width="180px"),
                      spacing="1"),
            rx.button("Show what they share", type="submit", id="suggest-run"),
            spacing="3", wrap="wrap", align="end",
        ),
        on_submit=S.suggest,
        width="100%",
    )


def evidence_line(row: dict) -> rx.Component:
    return rx.hstack(
        rx.cond(row["proposed"] != "",
                rx.badge("in the draft", color_scheme="green", variant="soft", size="1"),
                rx.badge("evidence", color_scheme="gray", variant="soft", size="1")),
        rx.text(row["line"], size="2"),
        align="center", spacing="2", class_name="evidence-line",
    )


def draft_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("The draft", size="4", as_="h2"),
            rx.foreach(S.reasons, lambda r: rx.hstack(
                rx.badge(r["weight"], " of 100", size="2"), rx.text(r["line"], size="2"),
                align="center", spacing="2", class_name="draft-criterion")),
            rx.cond(S.can_edit,
                    link_button(rx.icon("wand-sparkles", size=16),
                                "Open this draft in the wizard", href=S.wizard_href,
                                id="open-draft"),
                    rx.text("A member of the workspace can open it in the wizard.",
                            size="2", color_scheme="gray")),
            rx.text("Nothing is saved until you save the profile in the wizard.", size="1",
                    color_scheme="gray"),
            spacing="3", width="100%",
        ),
        width="100%", id="suggest-draft",
    )


def backtest_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Backtest on your closed deals", size="4", as_="h2"),
            rx.text("How each ICP's tiers would have sorted the deals you closed: win rate "
                    "and number of deals per tier. Current: ", S.current_names, ".",
                    size="2", color_scheme="gray"),
            backtest_tables(S.bt_tiers, S.bt_figures, "This draft", "Current ICP", "backtest"),
            rx.text("The draft learned from these same deals, which flatters it: the holdout "
                    "line scores the most recent deals with a draft learned without them.",
                    size="1", color_scheme="gray"),
            spacing="3", width="100%",
        ),
        width="100%", id="suggest-backtest",
    )


def profile_suggest() -> rx.Component:
    return app_shell(
        page_header("Start from your best customers",
                    "What your best customers have in common, compared with all the others."),
        rx.card(best_form(), width="100%"),
        form_error(S.error),
        rx.callout(S.message, icon="info", width="100%", id="suggest-message"),
        rx.cond(S.status == "ok", rx.grid(
            draft_card(), backtest_card(),
            columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%")),
        rx.cond(S.evidence.length() > 0, rx.card(rx.vstack(
            rx.heading("Evidence", size="4", as_="h2"),
            rx.text("Share among the best vs the rest; the lift is shrunk toward the rest's "
                    "share so that a few lucky deals are not a pattern.", size="1",
                    color_scheme="gray"),
            rx.foreach(S.evidence, evidence_line),
            spacing="2", width="100%"), width="100%", id="suggest-evidence")),
        rx.cond(S.thin.length() > 0, rx.card(rx.vstack(
            rx.heading("Not enough data", size="4", as_="h2"),
            rx.foreach(S.thin, lambda t: rx.text(t, size="2")),
            spacing="2", width="100%"), width="100%", id="suggest-thin")),
        rx.text(link_button("Back to profiles", href="/profiles", variant="soft")),
    )
