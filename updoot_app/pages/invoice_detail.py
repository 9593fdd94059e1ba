"""One invoice: draft editor, finalise and send (numbered, then locked),
payments and balance, void, PDF, credit notes."""

import reflex as rx

from updoot_app.components.accounting import credit_dialog, credit_notes_card
from updoot_app.components.billing import document_page, totals_card
from updoot_app.components.focus import focus_if_lost
from updoot_app.components.forms import form_error, hidden_label
from updoot_app.components.layout import link_button
from updoot_app.components.mail_dialog import send_email_dialog
from updoot_app.components.mail_history import mail_history
from updoot_app.pages.recurring_invoices import repeat_panel
from updoot_app.state.billing.invoices_state import InvoiceDetailState as S
from updoot_app.state.mail.document_mail_state import DocumentMailState as M

METHODS = [("bank_transfer", "Bank transfer"), ("card", "Card"), ("cash", "Cash"),
           ("cheque", "Cheque"), ("other", "Other")]


def actions() -> rx.Component:
    status = S.doc["status"]
    return rx.flex(
        rx.button(rx.icon("download", size=16), "PDF", variant="soft",
                  on_click=S.download_pdf, id="invoice-pdf"),
        rx.cond(S.doc["locked"] == "True",
                rx.button(rx.icon("file-code", size=16), "E-invoice XML", variant="soft",
                          on_click=S.download_xml, id="invoice-xml")),
        rx.cond(S.can_edit & (status == "draft"),
                rx.button(rx.icon("send", size=16), "Finalise and send", on_click=S.send,
                          id="send-invoice")),
        send_email_dialog(M, "invoice", S.can_edit & (status != "void") & (status != ""),
                          rx.cond(status == "draft", "Sending finalises this draft: it gets "
                                  "its number and can no longer be edited.", "")),
        rx.cond(S.can_edit & (status == "draft") & (S.doc["quote_id"] == ""),
                rx.button("Delete draft", variant="ghost", color_scheme="red",
                          on_click=S.delete, id="delete-invoice")),
        rx.cond(S.can_edit & ((status == "sent") | (status == "overdue"))
                & (S.doc["has_payments"] == "") & (S.doc["has_credits"] == ""), void_dialog()),
        rx.cond(S.can_credit, credit_dialog(S.credit_lines, S.credit_error, S.credit_open,
                                            S.set_credit_open, S.credit)),
        rx.cond(S.doc["quote_number"] != "",
                link_button("Quote " + S.doc["quote_number"], variant="ghost",
                            href="/quotes/" + S.doc["quote_id"])),
        spacing="2", wrap="wrap", align="center",
    )


def void_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button("Void", variant="soft", color_scheme="red",
                                    id="void-invoice")),
        rx.dialog.content(
            rx.dialog.title("Void this invoice?"),
            rx.dialog.description("It keeps its number and stays in your records; it can "
                                  "no longer be paid.", size="2"),
            rx.form(
                rx.vstack(
                    hidden_label("Reason for voiding (optional)", "void-reason"),
                    rx.input(name="reason", placeholder="Reason (optional)", width="100%",
                             id="void-reason"),
                    rx.hstack(rx.dialog.close(rx.button("Cancel", variant="soft",
                                                        color_scheme="gray", type="button")),
                              rx.dialog.close(rx.button("Void invoice", color_scheme="red",
                                                        type="submit", id="confirm-void")),
                              justify="end", width="100%"),
                    spacing="3", width="100%",
                ),
                on_submit=S.void,
            ),
        ),
    )


def payment_row(row: dict) -> rx.Component:
    return rx.flex(
        rx.vstack(rx.text(row["paid_on"], " · ", row["method"], size="2"),
                  rx.text(row["reference"], size="1", color_scheme="gray"), spacing="0"),
        rx.spacer(),
        rx.text(row["amount"], weight="medium", white_space="nowrap"),
        width="100%", align="center", border_bottom="1px solid var(--gray-a4)",
        padding_y="0.4rem",
    )


def payments_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Payments", size="4", as_="h2", id="payments-heading", tab_index=-1,
                       class_name="focus-target"),
            rx.cond(S.payments.length() > 0,
                    rx.vstack(rx.foreach(S.payments, payment_row), spacing="0", width="100%"),
                    rx.text("No payments yet.", size="2", color_scheme="gray")),
            rx.cond(
                S.can_pay,
                rx.form(
                    rx.grid(
                        hidden_label("Amount paid", "payment-amount"),
                        rx.input(name="amount", placeholder="Amount, e.g. 20.00", required=True,
                                 id="payment-amount", input_mode="decimal"),
                        hidden_label("Date paid", "payment-date"),
                        rx.input(name="paid_on", type="date", id="payment-date"),
                        rx.select.root(
                            rx.select.trigger(aria_label="Payment method", id="payment-method"),
                            rx.select.content(*[rx.select.item(label, value=value)
                                                for value, label in METHODS]),
                            name="method", default_value="bank_transfer",
                        ),
                        hidden_label("Payment reference", "payment-ref"),
                        rx.input(name="reference", placeholder="Reference", id="payment-ref"),
                        rx.button("Record payment", type="submit", id="record-payment"),
                        columns=rx.breakpoints(initial="1", sm="2", md="5"), spacing="2",
                        width="100%",
                    ),
                    form_error(S.payment_error),
                    # Paid in full, the form goes: the focus stays in this card.
                    on_submit=[S.record_payment, focus_if_lost("payments-heading")],
                    reset_on_submit=True, width="100%",
                ),
            ),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def invoice_detail() -> rx.Component:
    return document_page(
        S, "invoice", S.doc["number"],
        [actions(),
         repeat_panel(),
         rx.cond(S.doc["status"] == "void",
                 rx.callout("Void" + rx.cond(S.doc["void_reason"] != "",
                                             ": " + S.doc["void_reason"], "."),
                            icon="ban", color_scheme="gray", width="100%"))],
        totals_card(S.doc, S.taxes, with_balance=True),
        rx.cond(S.doc["status"] != "draft", payments_card()),
        rx.cond(S.credit_notes.length() > 0,
                credit_notes_card(S.credit_notes, S.download_credit_note,
                                  S.can_edit & S.refund_due, S.refund_error,
                                  S.record_refund)),
        mail_history(M, S.can_edit),
    )
