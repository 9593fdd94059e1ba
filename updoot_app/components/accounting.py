"""What an accountant asks of the invoice pages: the "Credit" dialog (a quantity
per line, up to what is left, or everything left), the list of an invoice's
credit notes with their PDFs, and the journal export of a range of days.
They take data and events as parameters."""

from __future__ import annotations

import reflex as rx

from updoot_app.components.forms import form_error, hidden_label, label


def _credit_line(line: dict) -> rx.Component:
    control_id = "credit-qty-" + line["number"]
    return rx.grid(
        label(line["description"] + " (" + line["left"] + " of " + line["quantity"]
              + " left)", control_id, weight=None),
        rx.input(name="qty_" + line["id"], id=control_id, placeholder="0",
                 input_mode="decimal", disabled=line["left"] == "0", width="100%"),
        columns="3fr 1fr", spacing="2", align="center", width="100%",
    )


def credit_dialog(lines, error, open_, on_open_change, on_submit) -> rx.Component:
    """Credit some lines (a quantity each) or everything left, with a reason."""
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("undo-2", size=16), "Credit", variant="soft",
                                    id="credit-invoice")),
        rx.dialog.content(
            rx.dialog.title("Issue a credit note"),
            rx.dialog.description("Credit some quantity of each line, up to what is not yet "
                                  "credited. The invoice keeps its number; its balance goes "
                                  "down.", size="2"),
            rx.form(
                rx.vstack(
                    rx.foreach(lines, _credit_line),
                    rx.hstack(
                        rx.checkbox(name="all", id="credit-all",
                                    custom_attrs={"aria-labelledby": "credit-all-label"}),
                        label("Credit everything left", "credit-all", weight=None),
                        align="center", spacing="2"),
                    label("Reason (printed on the credit note)", "credit-reason"),
                    rx.input(name="reason", id="credit-reason", required=True, width="100%",
                             placeholder="e.g. One seat returned"),
                    form_error(error),
                    rx.hstack(rx.dialog.close(rx.button("Cancel", variant="soft",
                                                        color_scheme="gray", type="button")),
                              rx.button("Issue credit note", type="submit",
                                        id="confirm-credit"),
                              justify="end", width="100%"),
                    spacing="3", width="100%",
                ),
                on_submit=on_submit,
            ),
        ),
        open=open_, on_open_change=on_open_change,
    )


def _note_row(note: dict, on_download) -> rx.Component:
    return rx.flex(
        rx.vstack(rx.text(note["number"], " · ", note["issue_date"], size="2", weight="medium"),
                  rx.text(note["reason"], size="1", color_scheme="gray"), spacing="0"),
        rx.spacer(),
        rx.text("−", note["total"], weight="medium", white_space="nowrap"),
        rx.button(rx.icon("download", size=14), "PDF", size="1", variant="soft",
                  on_click=on_download(note["id"]), id="credit-note-pdf-" + note["id"],
                  aria_label="PDF of credit note " + note["number"]),
        width="100%", align="center", spacing="3", border_bottom="1px solid var(--gray-a4)",
        padding_y="0.4rem",
    )


def _refund_form(notes, error, on_submit) -> rx.Component:
    """Money paid back to the client on one of the credit notes."""
    return rx.form(
        rx.vstack(
            rx.text("The credit notes leave money to pay back: record the refund.", size="2"),
            rx.grid(
                rx.select.root(
                    rx.select.trigger(placeholder="Credit note", id="refund-note",
                                      aria_label="Credit note refunded"),
                    rx.select.content(rx.foreach(notes, lambda n: rx.select.item(
                        n["number"], value=n["id"]))),
                    name="credit_note_id", default_value=notes[0]["id"],
                ),
                hidden_label("Amount refunded", "refund-amount"),
                rx.input(name="amount", placeholder="Amount refunded", required=True,
                         id="refund-amount", input_mode="decimal"),
                hidden_label("Refund reference", "refund-ref"),
                rx.input(name="reference", placeholder="Reference", id="refund-ref"),
                rx.button("Record refund", type="submit", variant="soft", id="record-refund"),
                columns=rx.breakpoints(initial="1", sm="2", md="4"), spacing="2",
                width="100%",
            ),
            form_error(error),
            spacing="2", width="100%",
        ),
        on_submit=on_submit, reset_on_submit=True, width="100%",
    )


def credit_notes_card(notes, on_download, refund_due, refund_error,
                      on_refund) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Credit notes", size="4", as_="h2"),
            rx.vstack(rx.foreach(notes, lambda note: _note_row(note, on_download)),
                      spacing="0", width="100%"),
            rx.cond(refund_due, _refund_form(notes, refund_error, on_refund)),
            spacing="3", width="100%",
        ),
        width="100%", id="credit-notes",
    )


def journal_export(on_submit) -> rx.Component:
    """The accounting journal (documents by tax rate, payments) of a range of days."""
    return rx.card(
        rx.form(
            rx.flex(
                rx.vstack(rx.heading("Accounting journal", size="3", as_="h2"),
                          rx.text("Invoices and credit notes by tax rate, payments and "
                                  "refunds, as CSV.", size="2", color_scheme="gray"),
                          spacing="1"),
                rx.spacer(),
                rx.vstack(label("From", "journal-from"),
                          rx.input(name="from", type="date", id="journal-from"), spacing="1"),
                rx.vstack(label("To", "journal-to"),
                          rx.input(name="to", type="date", id="journal-to"), spacing="1"),
                rx.button(rx.icon("download", size=16), "Journal CSV", type="submit",
                          variant="soft", id="export-journal"),
                wrap="wrap", spacing="3", align="end", width="100%",
            ),
            on_submit=on_submit,
        ),
        width="100%",
    )
