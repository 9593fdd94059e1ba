"""/deals/[deal_id] — one deal: details, stage, buying committee, interaction log."""

import reflex as rx

from updoot_app.components.deal_competitors import deal_competitors_panel
from updoot_app.components.fit_badge import fit_badge
from updoot_app.components.follow_ups import follow_ups_card, next_step_flag
from updoot_app.components.forms import form_error, hidden_label
from updoot_app.components.kanban import stage_menu
from updoot_app.components.layout import app_shell, page_header
from updoot_app.state.crm.deal_state import DealState as D
from updoot_app.state.crm.record_follow_ups_state import DealFollowUpsState as F

ROLE_COLORS = {"economic_buyer": "green", "champion": "blue", "user": "gray",
               "technical_evaluator": "purple", "blocker": "red"}


def detail(label: str, value, did: str = "") -> rx.Component:
    return rx.vstack(rx.text(label, size="1", color_scheme="gray"),
                     rx.text(value, size="2", weight="medium", **({"id": did} if did else {})),
                     spacing="0", min_width="110px", flex_shrink="0", max_width="100%")


def details() -> rx.Component:
    return rx.card(rx.vstack(
        rx.flex(
            detail("Company", rx.link(D.deal["company"], href="/companies/" +
                                      D.deal["company_id"])),
            detail("Value", D.deal["value"], "deal-value"),
            detail("Stage", D.deal["stage"], "deal-stage"),
            detail("Owner", D.deal["owner"]),
            detail("Created", D.deal["created"]),
            rx.cond(D.deal["expected_close"] != "",
                    detail("Expected close", D.deal["expected_close"])),
            rx.cond(D.deal["closed"] != "", detail("Closed", D.deal["closed"], "deal-closed")),
            rx.vstack(rx.text("Fit", size="1", color_scheme="gray"),
                      fit_badge(D.deal["fit_tier"], D.deal["fit_score"],
                                D.deal["fit_summary"]), spacing="1"),
            wrap="wrap", width="100%", style={"gap": "0.75rem 1.75rem"},
        ),
        rx.cond(D.deal["lost_reason"] != "",
                rx.callout(rx.text(rx.text.strong("Lost: "), D.deal["lost_reason"]),
                           color_scheme="red", icon="circle-x", id="lost-reason-shown")),
        rx.cond(D.deal["stale"] != "",
                rx.callout("No activity for a while: this deal is stale.",
                           color_scheme="orange", icon="clock")),
        spacing="3", width="100%",
    ), width="100%")


def lost_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Why was it lost?"),
            rx.form(
                rx.vstack(
                    form_error(D.lost_error),
                    hidden_label("Lost reason", "lost-reason"),
                    rx.input(name="lost_reason", id="lost-reason", width="100%",
                             placeholder="e.g. No budget", max_length=300),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", type="button")),
                        rx.button("Mark as lost", type="submit", color_scheme="red",
                                  id="confirm-lost"),
                        justify="end", width="100%"),
                    spacing="3"),
                on_submit=D.confirm_lost, reset_on_submit=True),
            max_width="440px"),
        open=D.lost_open,
        on_open_change=D.lost_dialog_change,
    )


def role_chip(r) -> rx.Component:
    return rx.badge(
        rx.cond(r["present"] != "", rx.icon("check", size=12), rx.icon("x", size=12)),
        r["label"],
        color_scheme=rx.cond(r["present"] != "",
                             rx.cond(r["role"] == "blocker", "red", "green"),
                             rx.cond(r["helpful"] != "", "gray", "gray")),
        variant=rx.cond(r["present"] != "", "soft", "outline"),
        class_name="role-chip",
        custom_attrs={"data-present": r["present"]},
    )


def member_card(c) -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(
            rx.vstack(rx.text(c["name"], weight="bold"),
                      rx.text(c["title"], " · ", c["persona"], size="1", color_scheme="gray"),
                      spacing="0"),
            rx.spacer(),
            rx.badge(c["role_label"], color_scheme=rx.match(c["role"], *ROLE_COLORS.items(),
                                                            "gray")),
            rx.cond(D.can_edit, rx.icon_button(rx.icon("x", size=14), size="1",
                                               variant="ghost", color_scheme="red",
                                               aria_label="Remove " + c["name"]
                                               + " from the deal",
                                               on_click=D.remove_contact(c["contact_id"]))),
            width="100%", align="start"),
        rx.text(rx.text.strong("Goals: "), c["goals"], size="2"),
        rx.text(rx.text.strong("Objections: "), c["objections"], size="2"),
        rx.text(rx.text.strong("Reach via: "), c["channels"], size="2"),
        spacing="1", width="100%"), width="100%", class_name="committee-member")


def committee() -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.heading("Buying committee", size="4", as_="h2"),
                  rx.badge(D.coverage_mark, " roles covered", id="coverage-mark"),
                  align="center", wrap="wrap"),
        rx.flex(rx.foreach(D.roles, role_chip), spacing="2", wrap="wrap"),
        rx.cond(D.committee.length() == 0,
                rx.text("Nobody on this deal yet. Add the people you talk to.", size="2",
                        color_scheme="gray")),
        rx.grid(rx.foreach(D.committee, member_card), columns=rx.breakpoints(
            initial="1", md="2"), spacing="3", width="100%"),
        rx.cond(D.can_edit & (D.candidates.length() > 0), rx.select.root(
            rx.select.trigger(placeholder="Add a contact from the company", id="add-contact",
                              aria_label="Add a contact to the buying committee"),
            rx.select.content(rx.foreach(D.candidates,
                                         lambda o: rx.select.item(o["label"], value=o["id"]))),
            value="", on_change=D.add_contact)),
        spacing="3", width="100%"), width="100%")


def log_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(D.log_error),
            rx.flex(
                rx.select.root(
                    rx.select.trigger(id="log-kind", aria_label="Interaction kind"),
                    rx.select.content(*[rx.select.item(lbl, value=v) for v, lbl in
                                        (("call", "Call"), ("email", "Email"),
                                         ("meeting", "Meeting"), ("note", "Note"))]),
                    name="kind", default_value="call"),
                rx.input(type="date", name="occurred_at", id="log-date",
                         aria_label="Date of the interaction"),
                hidden_label("Outcome", "log-outcome"),
                rx.input(name="outcome", id="log-outcome", placeholder="Outcome",
                         max_length=300, flex="1", min_width="140px"),
                spacing="2", wrap="wrap", width="100%"),
            hidden_label("What was said?", "log-summary"),
            rx.text_area(name="summary", id="log-summary", placeholder="What was said?",
                         width="100%", max_length=2000),
            rx.button("Log interaction", type="submit", id="log-submit"),
            spacing="2", width="100%"),
        on_submit=D.log_interaction, reset_on_submit=True, key=D.log_form_key.to_string(),
        width="100%",
    )


def log_row(r) -> rx.Component:
    return rx.hstack(
        rx.badge(r["kind_label"], variant=rx.cond(r["kind"] == "stage_change", "outline",
                                                  "soft")),
        rx.vstack(
            rx.text(r["summary"], size="2"),
            rx.cond(r["outcome"] != "", rx.text("Outcome: ", r["outcome"], size="1",
                                                color_scheme="gray")),
            spacing="0", flex="1", min_width="0"),
        rx.text(r["when"], " · ", r["who"], size="1", color_scheme="gray",
                white_space="nowrap"),
        width="100%", align="start", class_name="log-row", wrap="wrap",
    )


def interaction_log() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Interactions", size="4", as_="h2"),
        rx.cond(D.can_edit, log_form()),
        rx.vstack(rx.foreach(D.log_rows, log_row), spacing="2", width="100%", id="log"),
        rx.cond(D.log_total > D.log_rows.length(),
                rx.text("Showing the latest ", D.log_rows.length(), " of ", D.log_total,
                        size="1", color_scheme="gray")),
        spacing="3", width="100%"), width="100%")


def history() -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Stage history", size="4", as_="h2"),
        rx.foreach(D.history, lambda h: rx.text(
            h["when"], " · ", h["from"], " → ", h["to"], " · ", h["who"], size="2",
            class_name="history-row")),
        spacing="2", width="100%"), width="100%")


def deal_detail() -> rx.Component:
    return app_shell(
        rx.link("← Pipeline", href="/pipeline", size="2"),
        page_header(
            D.deal["title"], "",
            rx.cond(D.can_edit, stage_menu(
                D.stage_options, D.deal["stage_id"], D.move_to,
                rx.button(rx.icon("arrow-right-left", size=16), "Move to stage",
                          variant="soft", id="deal-move"))),
        ),
        details(),
        follow_ups_card(F, F.rows, F.new_follow_up(F.company_id, F.deal_id),
                        heading="Next steps", flag=next_step_flag(F.next_step)),
        committee(),
        deal_competitors_panel(),
        interaction_log(),
        history(),
        lost_dialog(),
    )
