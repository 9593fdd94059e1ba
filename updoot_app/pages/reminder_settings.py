"""/settings/reminders — payment reminders: on or off, and the steps of the schedule."""

import reflex as rx

from updoot_app.components.forms import form_error, label, labelled, labelled_by, section
from updoot_app.components.layout import app_shell, page_header
from updoot_app.state.mail.reminders_state import ReminderSettingsState as S


def step_fields(prefix: str | rx.Var, offset="", subject="", message="",
                key: str | rx.Var = "") -> list[rx.Component]:
    """The three labelled fields of a step; ids start with `prefix`."""
    return [
        labelled("Days from the due date (negative: before it)", prefix + "-offset",
                 rx.input(name="offset_days", type="number", min=-60, max=365, required=True,
                          default_value=offset, key=key + "o", id=prefix + "-offset",
                          disabled=~S.can_admin, width="160px")),
        labelled("Subject", prefix + "-subject",
                 rx.input(name="subject", required=True, default_value=subject,
                          key=key + "s", id=prefix + "-subject", max_length=300,
                          disabled=~S.can_admin, width="100%")),
        labelled("Message", prefix + "-message",
                 rx.text_area(name="message", required=True, default_value=message,
                              key=key + "m", id=prefix + "-message", rows="5",
                              disabled=~S.can_admin, width="100%")),
    ]


def step_card(step: dict) -> rx.Component:
    prefix = "step-" + step["index"]
    return rx.card(rx.form(
        rx.vstack(
            rx.heading(step["label"], size="3", as_="h3"),
            rx.el.input(type="hidden", name="index", value=step["index"]),
            *step_fields(prefix, step["offset_days"], step["subject"], step["message"],
                         step["key"]),
            rx.cond(S.can_admin, rx.hstack(
                rx.button("Save step", type="submit", id=prefix + "-save"),
                rx.button("Remove", type="button", variant="soft", color_scheme="red",
                          on_click=S.remove_step(step["index"]), id=prefix + "-remove"),
                spacing="2")),
            spacing="3", width="100%"),
        on_submit=S.save_step, width="100%"), width="100%", class_name="reminder-step")


def reminder_settings() -> rx.Component:
    return app_shell(
        rx.link("← Settings", href="/settings", size="2"),
        page_header("Payment reminders",
                    "Emails with the invoice PDF to the invoice's contact, before and after "
                    "the due date, until the invoice is paid."),
        section(
            "Reminders",
            rx.hstack(
                rx.switch(checked=S.enabled, on_change=S.set_enabled, id="reminders-enabled",
                          disabled=~S.can_admin,
                          custom_attrs={"aria-labelledby": labelled_by("reminders-enabled")}),
                label("Send payment reminders", "reminders-enabled"),
                align="center", spacing="2"),
            rx.text("Each step is sent once per invoice, on its day. Never for a paid or void "
                    "invoice. When several steps are due at once (reminders turned on late), "
                    "only the latest goes out.", size="2", color_scheme="gray"),
            rx.cond(~S.can_admin, rx.text("Only owners and admins change reminders.", size="2",
                                          color_scheme="gray")),
            form_error(S.error),
        ),
        rx.vstack(rx.foreach(S.steps, step_card), spacing="3", width="100%",
                  id="reminder-steps"),
        rx.text("Placeholders: ", S.placeholder_help, size="2", color_scheme="gray"),
        rx.cond(S.can_admin, section(
            "Add a step",
            rx.form(rx.vstack(*step_fields("new-step"),
                              rx.button("Add step", type="submit", id="add-step"),
                              spacing="3", width="100%"),
                    on_submit=S.add_step, reset_on_submit=True, width="100%"),
        )),
    )
