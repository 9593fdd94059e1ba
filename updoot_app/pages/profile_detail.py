"""One ICP: its criteria, personas (cards a salesperson reads in 30 seconds),
versions, and the re-scoring progress."""

import reflex as rx

from updoot_app.components.forms import label, labelled_by
from updoot_app.components.icp_backtest import backtest_tables
from updoot_app.components.layout import app_shell, link_button, page_header
from updoot_app.components.stat import named_progress
from updoot_app.components.tier_counts import tier_counts
from updoot_app.services.profiles.personas import ROLE_LABELS
from updoot_app.state.profiles.icp_suggest_state import IcpBacktestState as B
from updoot_app.state.profiles.profiles_state import IcpDetailState as D

ROLE_COLORS = {"economic_buyer": "green", "champion": "blue", "user": "gray",
               "technical_evaluator": "purple", "blocker": "red"}


def rescore_bar() -> rx.Component:
    return rx.cond(
        D.rescoring | (D.rescore_message != ""),
        rx.card(
            rx.vstack(
                rx.text(D.rescore_message, size="2", id="rescore-message"),
                rx.cond(D.rescoring, named_progress(D.rescore_percent, "Re-scoring",
                                                  id="rescore-progress")),
                spacing="2", width="100%",
            ),
            width="100%",
        ),
    )


def line(label: str, value) -> rx.Component:
    return rx.text(rx.text.strong(label + ": "), value, size="2")


def persona_card(c: dict) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(rx.heading(c["name"], size="4", as_="h2"),
                          rx.text(c["role_title"],
                                  rx.cond(c["seniority"] != "", " · " + c["seniority"], ""),
                                  size="2", color_scheme="gray"), spacing="0"),
                rx.spacer(),
                rx.badge(c["role_label"],
                         color_scheme=rx.match(c["buying_role"], *ROLE_COLORS.items(), "gray")),
                width="100%", align="start",
            ),
            line("Goals", c["goals"]),
            line("Challenges", c["challenges"]),
            line("Objections", c["objections"]),
            line("Reach them via", c["channels"]),
            rx.cond(c["motivations"] != "", line("Motivations", c["motivations"])),
            rx.link("What sales conversations say", href="/personas/" + c["id"], size="2",
                    class_name="persona-insights-link"),
            rx.cond(D.can_edit, rx.button("Remove", size="1", variant="ghost",
                                          color_scheme="red",
                                          on_click=D.delete_persona(c["id"]))),
            spacing="2", width="100%",
        ),
        width="100%", class_name="persona-card",
    )


def text_area(text: str, name: str, placeholder: str = "") -> rx.Component:
    return rx.vstack(label(text, f"persona-{name}"),
                     rx.text_area(name=name, placeholder=placeholder, width="100%",
                                  id=f"persona-{name}"),
                     spacing="1", width="100%")


def text_field(text: str, name: str, placeholder: str = "", required=False) -> rx.Component:
    return rx.vstack(label(text, f"persona-{name}"),
                     rx.input(name=name, placeholder=placeholder, required=required,
                              width="100%", id=f"persona-{name}"),
                     spacing="1", width="100%")


def persona_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("user-plus", size=16), "Add persona",
                                    id="add-persona")),
        rx.dialog.content(
            rx.dialog.title("New persona"),
            rx.cond(D.persona_error != "", rx.callout(D.persona_error, color_scheme="red",
                                                      icon="triangle-alert", role="alert")),
            rx.form(
                rx.vstack(
                    text_field("Name", "name", "e.g. Security Sarah", required=True),
                    text_field("Role or title", "role_title", "e.g. IT Director", required=True),
                    text_field("Seniority", "seniority", "e.g. Director"),
                    label("Buying role", "persona-buying_role"),
                    rx.select.root(
                        rx.select.trigger(placeholder="Choose a buying role",
                                          id="persona-buying_role",
                                          aria_labelledby=labelled_by("persona-buying_role")),
                        rx.select.content(*[rx.select.item(text.capitalize(), value=key)
                                            for key, text in ROLE_LABELS.items()]),
                        name="buying_role", default_value="champion",
                    ),
                    text_area("Goals (one per line)", "goals"),
                    text_area("Challenges (one per line)", "challenges"),
                    text_area("Objections (one per line)", "objections"),
                    text_area("Preferred channels (one per line)", "channels"),
                    text_area("Demographics", "demographics"),
                    text_area("Background", "background"),
                    text_area("Motivations", "motivations"),
                    rx.hstack(rx.dialog.close(rx.button("Cancel", variant="soft",
                                                        type="button")),
                              rx.button("Save persona", type="submit", id="save-persona"),
                              justify="end", width="100%"),
                    spacing="3",
                ),
                on_submit=D.add_persona,
                reset_on_submit=False,
            ),
            max_width="560px",
        ),
        open=D.persona_dialog_open,
        on_open_change=D.open_persona_dialog,
    )


def version_row(v: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell("v", v["number"]),
        rx.table.cell(v["when"]),
        rx.table.cell(rx.text(v["summary"], size="1")),
        rx.table.cell(rx.cond(
            v["current"] == "true", rx.badge("current"),
            rx.cond(D.can_edit, rx.button("Restore", size="1", variant="soft",
                                          on_click=D.restore(v["number"]))),
        )),
    )


def icp_backtest_card() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Backtest on your closed deals", size="4", as_="h2"),
        rx.text("Had this profile scored your companies, how its tiers would have sorted the "
                "deals you closed; beside it, the active profiles together.", size="2",
                color_scheme="gray"),
        rx.cond(B.bt_note != "", rx.text(B.bt_note, size="2")),
        backtest_tables(B.bt_tiers, B.bt_figures, "This profile", "Active profiles",
                        "icp-backtest"),
        spacing="3", width="100%"), width="100%", id="icp-backtest")


def profile_detail() -> rx.Component:
    return app_shell(
        page_header(
            D.icp["name"], "",
            rx.cond(D.can_edit, rx.hstack(
                label("Active", "icp-active", weight=None),
                rx.switch(checked=D.icp["active"] == "true", on_change=D.set_active,
                          id="icp-active", aria_labelledby=labelled_by("icp-active")),
                link_button("Edit in wizard", variant="soft", id="edit-icp",
                            href="/profiles/" + D.icp["id"] + "/edit"),
                align="center", spacing="3",
            )),
        ),
        rx.text(D.icp["kind"], " · version ", D.icp["version"], color_scheme="gray",
                id="icp-version"),
        rescore_bar(),
        rx.card(rx.vstack(
            rx.heading("Scoring model", size="4", as_="h2"),
            rx.table.root(
                rx.table.header(rx.table.row(rx.table.column_header_cell("Criterion"),
                                             rx.table.column_header_cell("Matches"),
                                             rx.table.column_header_cell("Weight"))),
                rx.table.body(rx.foreach(D.criteria_rows, lambda r: rx.table.row(
                    rx.table.cell(r["label"]), rx.table.cell(r["condition"]),
                    rx.table.cell(r["weight"])))),
                width="100%",
            ),
            rx.cond(D.disqualifier_rows.length() > 0,
                    rx.text(rx.text.strong("Disqualifiers: "), D.disqualifier_rows.join("; "),
                            size="2")),
            rx.cond(D.pain_points.length() > 0,
                    rx.text(rx.text.strong("Pain points: "), D.pain_points.join(", "),
                            size="2")),
            rx.text("Companies whose best match is this profile:", size="2"),
            tier_counts(D.tiers),
            spacing="3", width="100%",
        ), width="100%"),
        icp_backtest_card(),
        rx.hstack(rx.heading("Personas", size="5", as_="h2"), rx.spacer(),
                  rx.cond(D.can_edit, persona_dialog()), width="100%", align="center"),
        rx.cond(D.warnings.length() > 0, rx.callout(
            rx.vstack(rx.foreach(D.warnings, lambda w: rx.text(w, size="2")), spacing="1"),
            icon="lightbulb", color_scheme="amber", width="100%", id="persona-warnings")),
        rx.grid(rx.foreach(D.persona_cards, persona_card),
                columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
        rx.card(rx.vstack(
            rx.heading("Versions", size="4", as_="h2"),
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                               ("Version", "Saved", "Weights", "")])),
                rx.table.body(rx.foreach(D.version_rows, version_row)),
                width="100%"), overflow_x="auto", width="100%"),
            spacing="3", width="100%",
        ), width="100%"),
    )
