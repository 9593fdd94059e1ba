"""Invoices: the list with status (overdue computed), totals and balances."""

import reflex as rx

from updoot_app.components.billing import status_badge
from updoot_app.components.layout import app_shell, page_header
from updoot_app.state.billing.invoices_state import InvoicesState as S

STATUS_ITEMS = ["all", "draft", "sent", "partially_paid", "paid", "overdue", "void"]


def invoice_row(row: dict) -> rx.Component:
    return rx.link(
        rx.card(
            rx.flex(
                rx.vstack(
                    rx.hstack(rx.text(row["number"], weight="bold"),
                              status_badge(row["status_label"], row["color"]), align="center"),
                    rx.text(row["company"], " · due ", row["due_date"], size="2",
                            color_scheme="gray"),
                    spacing="1", min_width="0",
                ),
                rx.spacer(),
                rx.vstack(rx.text(row["total"], weight="medium", white_space="nowrap"),
                          rx.text("Balance ", row["balance"], size="1", color_scheme="gray",
                                  white_space="nowrap"),
                          align="end", spacing="0"),
                width="100%", align="center", spacing="3",
            ),
            width="100%",
        ),
        href="/invoices/" + row["id"], underline="none", width="100%", color="inherit",
        class_name="invoice-row",
    )


def invoices_page() -> rx.Component:
    return app_shell(
        page_header(
            "Invoices", "Numbered without gaps when sent; payments and balances.",
            rx.cond(S.can_edit, rx.button(rx.icon("plus", size=16), "New invoice",
                                          on_click=S.new_invoice, id="new-invoice")),
            rx.button(rx.icon("download", size=16), "Export CSV", variant="soft",
                      on_click=S.export_csv, id="export-invoices"),
        ),
        rx.hstack(
            rx.text("Status", size="2"),
            rx.select(STATUS_ITEMS, value=rx.cond(S.status == "", "all", S.status),
                      on_change=S.set_status, id="invoice-status-filter"),
            rx.spacer(),
            rx.text(S.total, " invoices", size="2", color_scheme="gray"),
            width="100%", align="center",
        ),
        rx.cond(S.rows.length() > 0,
                rx.vstack(rx.foreach(S.rows, invoice_row), spacing="2", width="100%"),
                rx.callout("No invoices here yet. Convert an accepted quote, or start one "
                           "from scratch.", icon="info", width="100%")),
        rx.cond(S.pages > 1,
                rx.hstack(rx.button("Previous", variant="soft", disabled=S.page <= 1,
                                    on_click=S.go_page((S.page - 1).to_string())),
                          rx.text("Page ", S.page, " of ", S.pages, size="2"),
                          rx.button("Next", variant="soft", disabled=S.page >= S.pages,
                                    on_click=S.go_page((S.page + 1).to_string())),
                          align="center")),
    )
