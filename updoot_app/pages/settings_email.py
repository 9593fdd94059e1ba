"""Settings → Email: is email set up, send a test email, the outbox, the templates."""

import reflex as rx

from updoot_app.components.billing import status_badge
from updoot_app.components.forms import form_error, hidden_label, labelled, section
from updoot_app.components.layout import app_shell, page_header
from updoot_app.state.mail.email_settings_state import EmailSettingsState as S


def setup_section() -> rx.Component:
    return section(
        "Sending email",
        rx.cond(S.smtp_ready,
                rx.callout(S.smtp_text, icon="circle-check", color_scheme="green", width="100%",
                           id="smtp-status"),
                rx.callout(S.smtp_text, icon="triangle-alert", color_scheme="amber",
                           width="100%", id="smtp-status")),
        rx.cond(
            S.can_admin,
            rx.form(
                rx.flex(
                    hidden_label("Send a test email to", "test-to"),
                    rx.input(name="to", type="email", default_value=S.test_to, key=S.test_to,
                             placeholder="you@example.com", required=True, id="test-to",
                             flex="1", min_width="220px"),
                    rx.button(rx.icon("send", size=16), "Send a test email", type="submit",
                              id="send-test"),
                    spacing="2", wrap="wrap", width="100%",
                ),
                form_error(S.test_error),
                on_submit=S.send_test, reset_on_submit=False, width="100%",
            ),
            rx.text("Owners and admins can send a test email.", size="2", color_scheme="gray"),
        ),
        id="email-setup",
    )


def message_row(m: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(m["created_at"], white_space="nowrap"),
        rx.table.cell(rx.cond(m["document_href"] != "",
                              rx.link(m["document"], href=m["document_href"]),
                              rx.text(m["document"]))),
        rx.table.cell(m["to"]),
        rx.table.cell(m["subject"]),
        rx.table.cell(rx.vstack(status_badge(m["status_label"], m["color"]),
                                rx.cond(m["sent_at"] != "", rx.text(m["sent_at"], size="1")),
                                spacing="1")),
        rx.table.cell(m["attempts"]),
        rx.table.cell(rx.text(m["last_error"], size="1")),
        rx.table.cell(rx.cond(S.can_edit & (m["can_retry"] != ""),
                              rx.button("Retry", size="1", variant="soft",
                                        on_click=S.retry(m["id"]),
                                        aria_label="Retry sending " + m["subject"]))),
        class_name="outbox-row",
    )


def outbox_section() -> rx.Component:
    return section(
        "Outbox",
        rx.flex(
            rx.text("Every email of this workspace, newest first.", size="2",
                    color_scheme="gray"),
            rx.spacer(),
            rx.button(rx.icon("refresh-cw", size=14), "Refresh", size="1", variant="ghost",
                      on_click=S.refresh, id="outbox-refresh"),
            width="100%", align="center",
        ),
        rx.cond(
            S.messages.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(rx.table.row(
                        *[rx.table.column_header_cell(h) for h in
                          ("Queued", "Document", "To", "Subject", "Status", "Attempts",
                           "Last error", "")]
                    )),
                    rx.table.body(rx.foreach(S.messages, message_row)),
                    width="100%",
                ),
                overflow_x="auto", width="100%",
            ),
            rx.text("No email sent yet.", size="2"),
        ),
        rx.cond(S.pages > 1, rx.flex(
            rx.button("Previous", size="1", variant="soft", disabled=S.page <= 1,
                      on_click=S.go_page((S.page - 1).to_string())),
            rx.text("Page ", S.page, " of ", S.pages, size="2"),
            rx.button("Next", size="1", variant="soft", disabled=S.page >= S.pages,
                      on_click=S.go_page((S.page + 1).to_string())),
            spacing="2", align="center")),
        id="outbox",
    )


def _template_input(name: str, label_text: str, value) -> rx.Component:
    control_id = "tpl-" + name.replace("_", "-")
    key = control_id + "-" + S.rev.to_string()
    if name.endswith("_subject"):
        control = rx.input(name=name, id=control_id, default_value=value, key=key, width="100%",
                           disabled=~S.can_admin)
    else:
        control = rx.text_area(name=name, id=control_id, default_value=value, key=key, rows="8",
                               width="100%", disabled=~S.can_admin)
    return labelled(label_text, control_id, control)


def templates_section() -> rx.Component:
    return section(
        "Templates",
        rx.text("The subject and message a quote or an invoice is sent with; each can be "
                "changed before sending. These placeholders are filled in:", size="2"),
        rx.el.ul(rx.foreach(S.placeholders, lambda ph: rx.el.li(
            rx.code(ph["name"]), " ", rx.text(ph["meaning"], as_="span", size="2"))),
            id="placeholders", style={"paddingLeft": "1.2rem"}),
        rx.form(
            rx.vstack(
                _template_input("quote_subject", "Quote: subject", S.quote_subject),
                _template_input("quote_body", "Quote: message", S.quote_body),
                _template_input("invoice_subject", "Invoice: subject", S.invoice_subject),
                _template_input("invoice_body", "Invoice: message", S.invoice_body),
                form_error(S.templates_error),
                rx.cond(S.can_admin, rx.flex(
                    rx.button("Save templates", type="submit", id="save-templates"),
                    rx.button("Restore the defaults", type="button", variant="soft",
                              color_scheme="gray", on_click=S.restore_defaults),
                    spacing="2", wrap="wrap")),
                spacing="3", width="100%",
            ),
            on_submit=S.save_templates, reset_on_submit=False, width="100%",
        ),
        id="templates",
    )


def settings_email() -> rx.Component:
    return app_shell(
        page_header("Email", "Sending quotes and invoices by email: the server check, the "
                    "outbox and the templates."),
        rx.link("← Settings", href="/settings", size="2"),
        setup_section(),
        outbox_section(),
        templates_section(),
    )
