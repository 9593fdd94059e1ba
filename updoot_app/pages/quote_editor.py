"""One quote: the draft editor with live totals (each change is saved and
the totals come back from the same service as the PDF and the API), sending
with its public link, the client's answer, conversion to an invoice, PDF."""

import reflex as rx

from updoot_app.components.billing import document_page, totals_card
from updoot_app.components.layout import link_button
from updoot_app.components.mail_dialog import send_email_dialog
from updoot_app.components.mail_history import mail_history
from updoot_app.state.billing.quotes_state import QuoteEditorState as S
from updoot_app.state.mail.document_mail_state import DocumentMailState as M


def actions() -> rx.Component:
    status = S.doc["status"]
    return rx.flex(
        rx.button(rx.icon("download", size=16), "PDF", variant="soft",
                  on_click=S.download_pdf, id="quote-pdf"),
        rx.cond(S.can_edit & (status == "draft"),
                rx.button(rx.icon("send", size=16), "Send", on_click=S.send, id="send-quote")),
        rx.cond(S.can_edit & ((status == "sent") | (status == "expired")),
                rx.button("New link", variant="soft", on_click=S.send, id="resend-quote")),
        send_email_dialog(M, "quote", S.can_edit & ((status == "draft") | (status == "sent")
                                                    | (status == "expired"))),
        rx.cond(S.can_edit & (status == "sent"),
                rx.button("Mark accepted", variant="soft", color_scheme="green",
                          on_click=S.record_answer("accepted"), id="mark-accepted")),
        rx.cond(S.can_edit & (status == "accepted"),
                rx.button(rx.icon("receipt", size=16), "Convert to invoice",
                          on_click=S.convert, id="convert-quote")),
        rx.cond(status == "converted",
                link_button("Open invoice", variant="soft", id="open-invoice",
                            href="/invoices/" + S.doc["invoice_id"])),
        rx.cond(S.can_edit & (status == "draft"),
                rx.button("Delete", variant="ghost", color_scheme="red", on_click=S.delete,
                          id="delete-quote")),
        spacing="2", wrap="wrap", align="center",
    )


def public_link() -> rx.Component:
    return rx.cond(
        S.public_link != "",
        rx.callout(
            rx.vstack(
                rx.text("Public link for your client (shown once; “New link” replaces it):",
                        size="2"),
                rx.text(S.public_link, id="public-link", size="2", weight="medium",
                        word_break="break-all"),
                rx.button(rx.icon("copy", size=14), "Copy", size="1", variant="soft",
                          on_click=rx.set_clipboard(S.public_link)),
                spacing="2", width="100%",
            ),
            icon="link", color_scheme="green", width="100%",
        ),
    )


def quote_editor() -> rx.Component:
    return document_page(
        S, "quote", "Quote " + S.doc["number"],
        [actions(), public_link(),
         rx.cond(S.doc["accepted_by_name"] != "",
                 rx.callout("Accepted by " + S.doc["accepted_by_name"] + ".",
                            icon="check", color_scheme="green", width="100%"))],
        totals_card(S.doc, S.taxes),
        mail_history(M, S.can_edit),
    )
