"""/today — one ranked list of what to do now, each line with why it is there."""

import reflex as rx

from updoot_app.components.focus import dialog_focus_return
from updoot_app.components.follow_ups import (
    FOCUS_FALLBACK,
    done_dialog,
    follow_up_dialog,
    snooze_menu,
)
from updoot_app.components.forms import form_error, label, labelled, labelled_by
from updoot_app.components.forms import select as labelled_select
from updoot_app.components.layout import app_shell, link_button, page_header
from updoot_app.state.crm.today_state import TodayState as S

KIND_COLORS = {"task": "blue", "buying_signal": "green", "no_next_step": "orange",
               "stalled": "gray"}


def actions(line) -> rx.Component:
    company, deal, task = line["company_id"], line["deal_id"], line["task_id"]
    return rx.cond(S.can_edit, rx.hstack(
        rx.cond(line["kind"] == "task",
                rx.hstack(rx.button("Done", size="1", class_name="done-button",
                                    on_click=S.start_done(task)),
                          snooze_menu(S, task), spacing="1"),
                rx.button("Follow-up", size="1", variant="soft", class_name="line-follow-up",
                          on_click=S.new_follow_up(company, deal))),
        rx.cond((line["kind"] == "buying_signal") & (deal == ""),
                rx.button("Make a deal", size="1", variant="soft", class_name="line-deal",
                          on_click=S.make_deal(company))),
        rx.button("Log", size="1", variant="ghost", class_name="line-log",
                  on_click=S.start_log(company, deal)),
        spacing="1", wrap="wrap",
    ))


def line_item(line) -> rx.Component:
    return rx.card(rx.flex(
        rx.text(line["rank"], ".", weight="bold", size="2", color_scheme="gray",
                min_width="1.8rem"),
        rx.vstack(
            rx.hstack(rx.badge(line["label"], color_scheme=rx.match(
                line["kind"], *KIND_COLORS.items(), "gray"), size="1"),
                rx.cond(line["company_id"] != "",
                        rx.link("Company", href="/companies/" + line["company_id"], size="1")),
                rx.cond(line["deal_id"] != "",
                        rx.link("Deal", href="/deals/" + line["deal_id"], size="1")),
                spacing="2", align="center"),
            rx.text(line["reason"], size="2", class_name="today-reason"),
            spacing="1", flex="1",
        ),
        actions(line),
        spacing="3", align="center", wrap="wrap", width="100%",
    ), width="100%", class_name="today-line",
        custom_attrs={"data-kind": line["kind"], "data-focus-row": "today"})


def log_dialog() -> rx.Component:
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title("Log an interaction"),
        rx.form(rx.vstack(
            form_error(S.log_error),
            labelled("Kind", "today-log-kind", labelled_select(
                ["call", "email", "meeting", "note"], id="today-log-kind", name="kind",
                default_value="call")),
            labelled("Summary", "today-log-summary", rx.text_area(
                name="summary", id="today-log-summary", width="100%", max_length=2000)),
            labelled("Outcome", "today-log-outcome", rx.input(
                name="outcome", id="today-log-outcome", width="100%", max_length=300)),
            rx.hstack(rx.dialog.close(rx.button("Cancel", variant="soft", type="button")),
                      rx.button("Log it", type="submit", id="save-log"),
                      justify="end", width="100%"),
            spacing="3", width="100%",
        ), on_submit=S.save_log, key=S.fu_key),
        max_width="480px",
        **dialog_focus_return("log", FOCUS_FALLBACK),
    ), open=S.log_open, on_open_change=S.log_dialog_change)


def scope_toggle() -> rx.Component:
    return rx.cond(S.can_admin, rx.segmented_control.root(
        rx.segmented_control.item("Team", value="team"),
        rx.segmented_control.item("Mine", value="mine"),
        value=rx.cond(S.scope == "", "team", S.scope), on_change=S.set_scope,
        id="today-scope", aria_label="Whose follow-ups"))


def digest_switch() -> rx.Component:
    return rx.hstack(
        rx.switch(checked=S.digest, on_change=S.set_digest, id="today-digest",
                  custom_attrs={"aria-labelledby": labelled_by("today-digest")}),
        label("Email me this list every morning", "today-digest", weight=None),
        align="center", spacing="2",
    )


def today_page() -> rx.Component:
    return app_shell(
        page_header("Today", "Who to contact now, and why",
                    rx.hstack(digest_switch(), scope_toggle(),
                              link_button(rx.icon("layout-dashboard", size=16), "Dashboard",
                                          variant="soft", href="/dashboard", id="to-dashboard"),
                              spacing="2", align="center")),
        rx.cond(
            S.loaded & (S.lines.length() == 0),
            rx.callout("Nothing to do right now: no follow-up is due, and no fit company has "
                       "a fresh signal. Record signals on companies to see them here.",
                       icon="info", id="today-empty"),
            rx.vstack(rx.foreach(S.lines, line_item), spacing="2", width="100%",
                      id="today-list"),
        ),
        follow_up_dialog(S), done_dialog(S), log_dialog(),
    )
