"""Recurring invoices on screen: a schedule's status badge and its pause / resume /
end buttons, the "Repeat" dialog, and the note on an invoice a schedule made.
Each takes its data and events as parameters."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from updoot_app.components.forms import form_error, label, labelled, labelled_by, select

FREQUENCIES = [("monthly", "Monthly"), ("quarterly", "Quarterly"), ("yearly", "Yearly")]


def status_badge(row) -> rx.Component:
    return rx.badge(row["status_label"], variant="soft",
                    color_scheme=rx.match(row["status"], ("active", "green"),
                                          ("paused", "amber"), "gray"))


def schedule_actions(row, on_change: Callable, can_edit) -> rx.Component:
    """Pause / resume / end for one schedule (`on_change(id, action)`)."""
    what = " the schedule of " + row["invoice_number"]
    return rx.cond(can_edit & (row["status"] != "ended"), rx.hstack(
        rx.cond(row["status"] == "active",
                rx.button("Pause", size="1", variant="soft", aria_label="Pause" + what,
                          on_click=on_change(row["id"], "pause")),
                rx.button("Resume", size="1", variant="soft", aria_label="Resume" + what,
                          on_click=on_change(row["id"], "resume"))),
        rx.button("End", size="1", variant="ghost", color_scheme="red",
                  aria_label="End" + what, on_click=on_change(row["id"], "end")),
        spacing="2"))


def schedule_line(row, on_change: Callable, can_edit) -> rx.Component:
    """One schedule in a few words, for the invoice page."""
    return rx.flex(
        status_badge(row),
        rx.text(row["frequency"], " from ", row["start_date"], " ", row["until"], " · next ",
                row["next_run_date"], " · ", row["created"], " made · ", row["email"],
                size="2"),
        rx.spacer(),
        schedule_actions(row, on_change, can_edit),
        align="center", spacing="2", wrap="wrap", width="100%", class_name="recurring-schedule")


def repeat_dialog(*, open_: rx.Var, on_open_change: Callable, on_submit: Callable,
                  error: rx.Var) -> rx.Component:
    """"Repeat": frequency, start date, end date or count, email each run."""
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("repeat", size=16), "Repeat", variant="soft",
                                    id="repeat-invoice")),
        rx.dialog.content(
            rx.dialog.title("Repeat this invoice"),
            rx.dialog.description(
                "Each run makes a new invoice with these lines, issued on the run date and "
                "numbered when it is made.", size="2"),
            rx.form(rx.vstack(
                label("How often", "repeat-frequency"),
                select([v for v, _ in FREQUENCIES], id="repeat-frequency", name="frequency",
                       default_value="monthly"),
                labelled("Start date (the first invoice)", "repeat-start",
                         rx.input(type="date", name="start_date", required=True,
                                  id="repeat-start")),
                labelled("End date (optional)", "repeat-end",
                         rx.input(type="date", name="end_date", id="repeat-end")),
                labelled("Or stop after this many invoices (optional)", "repeat-count",
                         rx.input(type="number", name="count", min=1, max=1000,
                                  id="repeat-count")),
                rx.hstack(rx.checkbox(name="email_each", id="repeat-email",
                                      custom_attrs={"aria-labelledby":
                                                    labelled_by("repeat-email")}),
                          label("Email each invoice to the contact", "repeat-email"),
                          align="center", spacing="2"),
                form_error(error),
                rx.hstack(rx.dialog.close(rx.button("Cancel", variant="soft",
                                                    color_scheme="gray", type="button")),
                          rx.button("Start repeating", type="submit", id="confirm-repeat"),
                          justify="end", width="100%"),
                spacing="3", width="100%"),
                on_submit=on_submit),
        ),
        open=open_, on_open_change=on_open_change,
    )


def origin_note(origin: rx.Var) -> rx.Component:
    """On an invoice a schedule made: which invoice it repeats."""
    return rx.cond(origin.contains("source_id"), rx.callout(
        rx.text("Made by a recurring schedule on ", origin["run_date"], " from ",
                rx.link("invoice " + origin["source_number"],
                        href="/invoices/" + origin["source_id"]), ". ",
                rx.link("All recurring invoices", href="/invoices/recurring")),
        icon="repeat", color_scheme="blue", width="100%", id="recurring-origin"))
