"""The "Send by email" button and dialog of a quote or an invoice: recipients,
subject and message, prefilled by the state; errors shown in the dialog."""

from __future__ import annotations

import reflex as rx

from updoot_app.components.forms import form_error, labelled


def _input(state, name: str, control_id: str, value, **props) -> rx.Component:
    return rx.input(name=name, id=control_id, default_value=value, width="100%",
                    key=control_id + "-" + state.form_rev.to_string(), **props)


def send_email_dialog(state, kind: str, can_send, note="") -> rx.Component:
    """`state` is DocumentMailState; `can_send` says whether the button shows (the
    document may be sent in its status, by this person); `note` is shown above
    the form (e.g. that sending finalises a draft invoice)."""
    return rx.dialog.root(
        # The button is the dialog's Radix trigger, so closing the dialog (Escape,
        # Cancel, sent) gives the focus back to it instead of dropping it on <body>.
        # It has no on_click of its own (Reflex would wrap it in a div, and Radix
        # would give the focus back to that div): its click asks the root to open,
        # and the state opens the dialog once the draft is read.
        rx.cond(can_send, rx.dialog.trigger(
            rx.button(rx.icon("mail", size=16), "Send by email", variant="soft",
                      id=f"email-{kind}"))),
        rx.dialog.content(
            rx.dialog.title(f"Send this {kind} by email"),
            rx.dialog.description(
                f"The {kind} goes as a PDF attachment"
                + (", with the link where your client accepts it." if kind == "quote"
                   else "."), size="2"),
            rx.cond(state.smtp_hint != "",
                    rx.callout(state.smtp_hint, icon="triangle-alert", color_scheme="amber",
                               width="100%", margin_top="0.5rem")),
            rx.cond(note != "", rx.text(note, size="2", margin_top="0.5rem")),
            rx.form(
                rx.vstack(
                    labelled("To (several addresses: separate them with commas)", "mail-to",
                             _input(state, "to", "mail-to", state.mail_to,
                                    placeholder="name@example.com", type="text")),
                    labelled("Cc (optional)", "mail-cc",
                             _input(state, "cc", "mail-cc", state.mail_cc)),
                    labelled("Subject", "mail-subject",
                             _input(state, "subject", "mail-subject", state.mail_subject)),
                    labelled("Message", "mail-message",
                             rx.text_area(name="message", id="mail-message", rows="10",
                                          default_value=state.mail_message, width="100%",
                                          key="mail-message-" + state.form_rev.to_string())),
                    form_error(state.mail_error),
                    rx.hstack(
                        rx.button("Cancel", type="button", variant="soft",
                                  color_scheme="gray", on_click=state.set_dialog_open(False)),
                        rx.button(rx.icon("send", size=16), "Send", type="submit",
                                  id="mail-send"),
                        justify="end", width="100%",
                    ),
                    spacing="3", width="100%", margin_top="1rem",
                ),
                on_submit=state.send, reset_on_submit=False,
            ),
            max_width="640px",
        ),
        open=state.dialog_open, on_open_change=state.set_dialog_open,
    )
