"""Quotes: the list (filter by status, one page at a time), a new quote, and
the product catalog."""

import reflex as rx

from updoot_app.components.billing import document_list_page
from updoot_app.components.forms import form_error, hidden_label
from updoot_app.models.billing import QUOTE_STATUSES
from updoot_app.state.billing.quotes_state import QuotesState as S


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
            rx.heading("Product catalog", size="4", as_="h2"),
            rx.cond(S.product_rows.length() > 0,
                    rx.vstack(rx.foreach(S.product_rows, product_row), spacing="0",
                              width="100%"),
                    rx.text("No products yet. Lines can also be free text.", size="2",
                            color_scheme="gray")),
            rx.cond(
                S.can_edit,
                rx.form(
                    rx.grid(
                        hidden_label("Product name", "product-name"),
                        rx.input(name="name", placeholder="Name", required=True,
                                 id="product-name"),
                        hidden_label("Unit price", "product-price"),
                        rx.input(name="unit_price", placeholder="Unit price, e.g. 49.00",
                                 required=True, id="product-price"),
                        hidden_label("Tax %", "product-tax"),
                        rx.input(name="tax_rate", placeholder="Tax %", id="product-tax"),
                        hidden_label("Unit", "product-unit"),
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
    return document_list_page(
        S, "quote", catalog(),
        subtitle="Line items, live totals, a public accept link.",
        statuses=QUOTE_STATUSES, new_event=S.new_quote,
        row_detail=lambda row: rx.text(row["company"], " · valid until ", row["valid_until"],
                                       size="2", color_scheme="gray"),
        row_amount=lambda row: rx.text(row["total"], weight="medium", white_space="nowrap"),
        empty_text="No quotes here yet.",
    )
