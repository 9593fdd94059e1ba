"""Quotes: the list (filter by status, one page at a time), a new quote, and
the product catalog."""

import reflex as rx

from updoot_app.components.billing import status_badge
from updoot_app.components.forms import form_error
from updoot_app.components.layout import app_shell, page_header
from updoot_app.state.billing.quotes_state import QuotesState as S

STATUS_ITEMS = ["all", "draft", "sent", "accepted", "declined", "expired", "converted"]


def quote_row(row: dict) -> rx.Component:
    return rx.link(
        rx.card(
            rx.flex(
                rx.vstack(
                    rx.hstack(rx.text(row["number"], weight="bold"),
                              status_badge(row["status_label"], row["color"]), align="center"),
                    rx.text(row["company"], " · valid until ", row["valid_until"], size="2",
                            color_scheme="gray"),
                    spacing="1", min_width="0",
                ),
                rx.spacer(),
                rx.text(row["total"], weight="medium", white_space="nowrap"),
                width="100%", align="center", spacing="3",
            ),
            width="100%",
        ),
        href="/quotes/" + row["id"], underline="none", width="100%", color="inherit",
        class_name="quote-row",
    )


def product_row(row: dict) -> rx.Component:
    return rx.flex(
        rx.vstack(rx.text(row["name"], weight="medium"),
                  rx.text(row["price"], rx.cond(row["unit"] != "", " / " + row["unit"], ""),
                          " · tax ", row["tax"], size="2", color_scheme="gray"),
                  spacing="0", min_width="0"),
        rx.spacer(),
        rx.cond(S.can_edit, rx.button("Archive", size="1", variant="ghost", color_scheme="gray",
                                      on_click=S.archive_product(row["id"]))),
        width="100%", align="center", spacing="2",
        border_bottom="1px solid var(--gray-a4)", padding_y="0.4rem",
    )


def catalog() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Product catalog", size="4"),
            rx.cond(S.product_rows.length() > 0,
                    rx.vstack(rx.foreach(S.product_rows, product_row), spacing="0",
                              width="100%"),
                    rx.text("No products yet. Lines can also be free text.", size="2",
                            color_scheme="gray")),
            rx.cond(
                S.can_edit,
                rx.form(
                    rx.grid(
                        rx.input(name="name", placeholder="Name", required=True,
                                 id="product-name"),
                        rx.input(name="unit_price", placeholder="Unit price, e.g. 49.00",
                                 required=True, id="product-price"),
                        rx.input(name="tax_rate", placeholder="Tax %", id="product-tax"),
                        rx.input(name="unit", placeholder="Unit (e.g. seat)", id="product-unit"),
                        rx.button("Add product", type="submit", id="add-product"),
                        columns=rx.breakpoints(initial="1", sm="2", md="5"), spacing="2",
                        width="100%",
                    ),
                    form_error(S.product_error),
                    on_submit=S.add_product, reset_on_submit=True, width="100%",
                ),
            ),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def quotes_page() -> rx.Component:
    return app_shell(
        page_header(
            "Quotes", "Line items, live totals, a public accept link.",
            rx.cond(S.can_edit, rx.button(rx.icon("plus", size=16), "New quote",
                                          on_click=S.new_quote, id="new-quote")),
            rx.button(rx.icon("download", size=16), "Export CSV", variant="soft",
                      on_click=S.export_csv, id="export-quotes"),
        ),
        rx.hstack(
            rx.text("Status", size="2"),
            rx.select(STATUS_ITEMS, value=rx.cond(S.status == "", "all", S.status),
                      on_change=S.set_status, id="quote-status-filter"),
            rx.spacer(),
            rx.text(S.total, " quotes", size="2", color_scheme="gray"),
            width="100%", align="center",
        ),
        rx.cond(S.rows.length() > 0,
                rx.vstack(rx.foreach(S.rows, quote_row), spacing="2", width="100%"),
                rx.callout("No quotes here yet.", icon="info", width="100%")),
        rx.cond(S.pages > 1,
                rx.hstack(rx.button("Previous", variant="soft", disabled=S.page <= 1,
                                    on_click=S.go_page((S.page - 1).to_string())),
                          rx.text("Page ", S.page, " of ", S.pages, size="2"),
                          rx.button("Next", variant="soft", disabled=S.page >= S.pages,
                                    on_click=S.go_page((S.page + 1).to_string())),
                          align="center")),
        catalog(),
    )
