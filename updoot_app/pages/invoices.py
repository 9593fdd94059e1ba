"""Invoices: the list with status (overdue computed), totals and balances."""

import reflex as rx

from updoot_app.components.accounting import journal_export
from updoot_app.components.billing import document_list_page
from updoot_app.models.billing import INVOICE_STATUSES
from updoot_app.state.billing.invoices_state import InvoicesState as S


def invoices_page() -> rx.Component:
    return document_list_page(
        S, "invoice", journal_export(S.export_journal),
        subtitle="Numbered without gaps when sent; payments and balances.",
        statuses=INVOICE_STATUSES, new_event=S.new_invoice,
        row_detail=lambda row: rx.text(row["company"], " · due ", row["due_date"], size="2",
                                       color_scheme="gray"),
        row_amount=lambda row: rx.vstack(
            rx.text(row["total"], weight="medium", white_space="nowrap"),
            rx.text("Balance ", row["balance"], size="1", color_scheme="gray",
                    white_space="nowrap"),
            align="end", spacing="0"),
        empty_text="No invoices here yet. Convert an accepted quote, or start one from "
                   "scratch.",
    )
