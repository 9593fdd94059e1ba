"""Pieces shared by the quote, invoice and public quote pages."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from updoot_app.components.focus import focus_held, focus_when_drawn
from updoot_app.components.forms import label, labelled, labelled_by, select
from updoot_app.components.layout import app_shell, page_header
from updoot_app.state.billing.documents_base import (
    BEFORE_TAX,
    INCLUDE_TAX,
    NO_CONTACT,
    PRICE_MODES,
)


def status_badge(label, color) -> rx.Component:
    return rx.badge(label, color_scheme=color, size="2", variant="soft")


def _line_number(line: dict) -> rx.Var:
    """"line 2" for the second line: what tells one line's fields from another's."""
    return "line " + line["number"]


def _description_id(line: dict) -> rx.Var:
    return "line-" + line["index"] + "-description"


def _num_input(state, line: dict, key: str, text: str) -> rx.Component:
    """The visible label says "Quantity"; the accessible name says whose."""
    control_id = "line-" + line["index"] + "-" + key
    return rx.vstack(
        label(text, control_id, size="1", weight=None, color_scheme="gray"),
        rx.input(default_value=line[key], key=line["key"] + "-" + key + "-" + line[key],
                 on_blur=state.set_line(line["index"], key), input_mode="decimal",
                 id=control_id, width="100%", aria_label=text + ", " + _line_number(line)),
        spacing="1", width="100%",
    )


def editable_line(state, line: dict) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.input(default_value=line["description"], key=line["key"] + "-d-" + line["description"],
                         on_blur=state.set_line(line["index"], "description"),
                         id=_description_id(line), width="100%",
                         placeholder="Description",
                         aria_label="Description, " + _line_number(line)),
                rx.icon_button(rx.icon("trash-2", size=16), variant="ghost", color_scheme="red",
                               # The focus goes to the line that takes its place
                               # (the next one), or Add line when none does.
                               on_click=[state.remove_line(line["index"]),
                                         focus_held(_description_id(line), "add-line")],
                               aria_label="Remove " + _line_number(line)),
                width="100%", align="center",
            ),
            rx.grid(
                _num_input(state, line, "quantity", "Quantity"),
                _num_input(state, line, "unit_price", "Unit price"),
                _num_input(state, line, "discount_pct", "Discount %"),
                _num_input(state, line, "tax_rate", "Tax %"),
                columns=rx.breakpoints(initial="2", sm="4"), spacing="2", width="100%",
            ),
            rx.cond(line["tax_rate"] == "0", rx.input(
                default_value=line["tax_reason"],
                key=line["key"] + "-r-" + line["tax_reason"],
                on_blur=state.set_line(line["index"], "tax_reason"),
                id="line-" + line["index"] + "-tax_reason", width="100%",
                placeholder="Why 0 % tax (printed), e.g. Reverse charge",
                aria_label="Reason for 0 % tax, " + _line_number(line))),
            rx.hstack(rx.text("Net ", line["net_text"], " · tax ", line["tax_text"], size="2",
                              color_scheme="gray"),
                      justify="end", width="100%"),
            spacing="2", width="100%",
        ),
        width="100%",
    )


def readonly_line(line: dict) -> rx.Component:
    return rx.box(
        rx.flex(
            rx.vstack(
                rx.text(line["description"], weight="medium"),
                rx.text(line["quantity"], " × ", line["unit_price"],
                        rx.cond(line["discount_pct"] != "0", " less " + line["discount_pct"]
                                + " %", ""), " · tax ", line["tax_rate"], " %",
                        rx.cond(line["tax_reason"] != "", " · " + line["tax_reason"], ""),
                        size="2", color_scheme="gray"),
                spacing="0", min_width="0",
            ),
            rx.spacer(),
            rx.text(line["net_text"], weight="medium", white_space="nowrap"),
            width="100%", spacing="3", align="center",
        ),
        border_bottom="1px solid var(--gray-a5)", padding_y="0.5rem", width="100%",
    )


def lines_block(state, lines, editable) -> rx.Component:
    if editable is False:
        return rx.vstack(rx.foreach(lines, readonly_line), spacing="0", width="100%")
    return rx.cond(
        editable,
        rx.vstack(rx.foreach(lines, lambda line: editable_line(state, line)), spacing="2",
                  width="100%"),
        rx.vstack(rx.foreach(lines, readonly_line), spacing="0", width="100%"),
    )


def _total_row(label, value, bold: bool = False, row_id: str = "") -> rx.Component:
    return rx.hstack(
        rx.text(label, weight="bold" if bold else "regular", size="3" if bold else "2"),
        rx.spacer(),
        rx.text(value, weight="bold" if bold else "regular", size="3" if bold else "2",
                id=row_id or None, white_space="nowrap"),
        width="100%",
    )


def totals_card(doc, taxes, with_balance: bool = False) -> rx.Component:
    rows = [
        _total_row("Subtotal", doc["subtotal_text"], row_id="subtotal"),
        rx.cond(doc["has_discount"] != "",
                _total_row("Discounts", "−" + doc["discount_total_text"], row_id="discounts")),
        rx.foreach(taxes, lambda t: _total_row(t["label"], t["amount"])),
        _total_row("Tax total", doc["tax_total_text"], row_id="tax-total"),
        rx.divider(),
        _total_row("Total", doc["total_text"], bold=True, row_id="total"),
    ]
    if with_balance:
        rows += [rx.cond(doc["has_credits"] != "",
                         _total_row("Credited", "−" + doc["amount_credited_text"],
                                    row_id="credited")),
                 _total_row("Paid", doc["amount_paid_text"], row_id="paid"),
                 _total_row("Balance due", doc["balance_text"], bold=True, row_id="balance")]
    return rx.card(rx.vstack(*rows, spacing="2", width="100%"), width="100%",
                   max_width=["100%", "100%", "380px"])


def _labelled(text: str, key: str, child: rx.Component) -> rx.Component:
    """A header field of a draft: the control's id is "field-<key>"."""
    return labelled(text, "field-" + key, child)


def _option_select(state, key: str, options, placeholder, *first: rx.Component,
                   **props) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder=placeholder, width="100%", id="field-" + key,
                          aria_labelledby=labelled_by("field-" + key)),
        rx.select.content(*first, rx.foreach(options, lambda o: rx.select.item(
            o["name"], value=o["id"]))),
        value=state.doc[key], on_change=state.set_field(key), **props,
    )


def _contact_select(state) -> rx.Component:
    """Whom the document is addressed to: one of its company's contacts."""
    return _option_select(
        state, "contact_id", state.contact_options,
        rx.cond(state.doc["company_id"] == "", "Choose a company first",
                rx.cond(state.contact_options.length() > 0, "Address it to…",
                        "No contacts at this company")),
        rx.select.item("No contact", value=NO_CONTACT),
        disabled=state.doc["company_id"] == "",
    )


def doc_fields(state, kind: str) -> rx.Component:
    """The header of a draft: client, deal, currency, dates, discount, notes, terms."""
    doc = state.doc
    date_fields = [
        _labelled("Issue date", "issue_date", rx.input(
            type="date", default_value=doc["issue_date"], key="issue-" + doc["issue_date"],
            on_blur=state.set_field("issue_date"), id="field-issue_date", width="100%")),
    ]
    if kind == "quote":
        date_fields.append(_labelled("Valid until", "valid_until", rx.input(
            type="date", default_value=doc["valid_until"], key="valid-" + doc["valid_until"],
            on_blur=state.set_field("valid_until"), id="field-valid_until", width="100%")))
    else:
        date_fields.append(_labelled("Payment terms (days)", "payment_terms_days", rx.input(
            default_value=doc["payment_terms_days"], key="terms-" + doc["payment_terms_days"],
            on_blur=state.set_field("payment_terms_days"), id="field-payment_terms_days",
            width="100%", input_mode="numeric")))
        date_fields.append(_labelled("Due date", "due_date", rx.input(
            type="date", default_value=doc["due_date"], key="due-" + doc["due_date"],
            on_blur=state.set_field("due_date"), id="field-due_date", width="100%")))
    return rx.card(
        rx.vstack(
            rx.grid(
                _labelled("Company", "company_id", _option_select(
                    state, "company_id", state.company_options, "Choose a company")),
                _labelled("Contact (Attn)", "contact_id", _contact_select(state)),
                _labelled("Deal", "deal_id", _option_select(
                    state, "deal_id", state.deal_options, "Link a deal (optional)")),
                _labelled("Currency", "currency", select(
                    state.currencies, value=doc["currency"],
                    on_change=state.set_field("currency"), id="field-currency")),
                _labelled("Document discount %", "discount_pct", rx.input(
                    default_value=doc["discount_pct"], key="disc-" + doc["discount_pct"],
                    on_blur=state.set_field("discount_pct"), id="field-discount_pct",
                    width="100%", input_mode="decimal")),
                _labelled("Prices", "prices_include_tax", select(
                    list(PRICE_MODES), value=rx.cond(doc["prices_include_tax"] == "True",
                                                     INCLUDE_TAX, BEFORE_TAX),
                    on_change=state.set_field("prices_include_tax"),
                    id="field-prices_include_tax")),
                *date_fields,
                _labelled("Buyer tax ID (if not the company's)", "buyer_tax_id", rx.input(
                    default_value=doc["buyer_tax_id"], key="btax-" + doc["buyer_tax_id"],
                    on_blur=state.set_field("buyer_tax_id"), id="field-buyer_tax_id",
                    width="100%")),
                columns=rx.breakpoints(initial="1", sm="2", md="3"), spacing="3", width="100%",
            ),
            rx.grid(
                _labelled("Notes", "notes", rx.text_area(
                    default_value=doc["notes"], key="notes-" + doc["notes"],
                    on_blur=state.set_field("notes"), id="field-notes", width="100%")),
                _labelled("Terms", "terms", rx.text_area(
                    default_value=doc["terms"], key="termstext-" + doc["terms"],
                    on_blur=state.set_field("terms"), id="field-terms", width="100%")),
                _labelled("Billing address (if not the company's)", "buyer_address",
                          rx.text_area(default_value=doc["buyer_address"],
                                       key="baddr-" + doc["buyer_address"],
                                       on_blur=state.set_field("buyer_address"),
                                       id="field-buyer_address", width="100%")),
                columns=rx.breakpoints(initial="1", sm="3"), spacing="3", width="100%",
            ),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def doc_summary(state, kind: str) -> rx.Component:
    """The header of a sent document, read-only."""
    doc = state.doc

    def item(label: str, value) -> rx.Component:
        return rx.vstack(rx.text(label, size="1", color_scheme="gray"),
                         rx.text(value, size="2"), spacing="0")

    extra = ([item("Valid until", doc["valid_until"])] if kind == "quote"
             else [item("Due date", doc["due_date"]),
                   item("Terms", doc["payment_terms_days"] + " days")])
    extra.append(item("Buyer tax ID", rx.cond(doc["buyer_tax"] != "", doc["buyer_tax"], "—")))
    extra.append(item("Prices", rx.cond(doc["prices_include_tax"] == "True", "Include tax",
                                        "Before tax")))
    return rx.card(
        rx.vstack(
            rx.grid(
                item("Company", rx.cond(doc["company_name"] != "", doc["company_name"], "—")),
                item("Contact", rx.cond(doc["contact_name"] != "", doc["contact_name"], "—")),
                item("Deal", rx.cond(doc["deal_title"] != "", doc["deal_title"], "—")),
                item("Currency", doc["currency"]),
                item("Issue date", doc["issue_date"]),
                *extra,
                columns=rx.breakpoints(initial="2", md="3"), spacing="3", width="100%",
            ),
            rx.cond(doc["terms"] != "", rx.text(rx.text.strong("Terms: "), doc["terms"],
                                                size="2")),
            rx.cond(doc["notes"] != "", rx.text(rx.text.strong("Notes: "), doc["notes"],
                                                size="2")),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def add_line_bar(state) -> rx.Component:
    """Adding a line moves the focus to its description (the index it will have
    is the number of lines before it), where the keyboard goes on typing."""
    new_line = focus_when_drawn("line-" + state.lines.length().to_string() + "-description")
    return rx.flex(
        rx.button(rx.icon("plus", size=16), "Add line", variant="soft",
                  on_click=[state.add_line, new_line], id="add-line"),
        rx.cond(
            state.product_options.length() > 0,
            rx.select.root(
                rx.select.trigger(placeholder="Add a product…", id="add-product-line",
                                  aria_label="Add a line for a product"),
                rx.select.content(rx.foreach(state.product_options,
                                             lambda o: rx.select.item(o["name"],
                                                                      value=o["id"]))),
                value="", on_change=[state.add_product_line, new_line],
            ),
        ),
        spacing="2", wrap="wrap",
    )


# --- the list pages ------------------------------------------------------------------------

def _document_row(kind: str, row: dict, detail: rx.Component,
                  amount: rx.Component) -> rx.Component:
    return rx.link(
        rx.card(
            rx.flex(
                rx.vstack(
                    rx.hstack(rx.text(row["number"], weight="bold"),
                              status_badge(row["status_label"], row["color"]), align="center"),
                    detail,
                    spacing="1", min_width="0",
                ),
                rx.spacer(),
                amount,
                width="100%", align="center", spacing="3",
            ),
            width="100%",
        ),
        href=f"/{kind}s/" + row["id"], underline="none", width="100%", color="inherit",
        class_name=f"{kind}-row",
    )


def document_list_page(state, kind: str, *below: rx.Component, subtitle: str,
                       statuses: tuple[str, ...], new_event,
                       row_detail: Callable[[dict], rx.Component],
                       row_amount: Callable[[dict], rx.Component],
                       empty_text: str) -> rx.Component:
    """The quotes or invoices list (`kind` "quote" or "invoice"): new and export
    buttons, the status filter, one page of rows and the pager; `row_detail` and
    `row_amount` draw what a row of this kind shows, `below` follows the list."""
    plural = kind + "s"
    return app_shell(
        page_header(
            plural.capitalize(), subtitle,
            rx.cond(state.can_edit, rx.button(rx.icon("plus", size=16), f"New {kind}",
                                              on_click=new_event, id=f"new-{kind}")),
            rx.button(rx.icon("download", size=16), "Export CSV", variant="soft",
                      on_click=state.export_csv, id=f"export-{plural}"),
        ),
        rx.hstack(
            label("Status", f"{kind}-status-filter", weight=None),
            select(["all", *statuses], value=rx.cond(state.status == "", "all", state.status),
                   on_change=state.set_status, id=f"{kind}-status-filter"),
            rx.spacer(),
            rx.text(state.total, f" {plural}", size="2", color_scheme="gray"),
            width="100%", align="center",
        ),
        rx.cond(state.rows.length() > 0,
                rx.vstack(rx.foreach(state.rows, lambda row: _document_row(
                    kind, row, row_detail(row), row_amount(row))), spacing="2", width="100%"),
                rx.callout(empty_text, icon="info", width="100%")),
        rx.cond(state.pages > 1,
                rx.hstack(rx.button("Previous", variant="soft", disabled=state.page <= 1,
                                    on_click=state.go_page((state.page - 1).to_string())),
                          rx.text("Page ", state.page, " of ", state.pages, size="2"),
                          rx.button("Next", variant="soft", disabled=state.page >= state.pages,
                                    on_click=state.go_page((state.page + 1).to_string())),
                          align="center")),
        *below,
    )


# --- the document pages -------------------------------------------------------------------

def document_page(state, kind: str, title, notices: list[rx.Component], totals: rx.Component,
                  *below: rx.Component) -> rx.Component:
    """One quote or invoice (`kind` "quote" or "invoice"): its header, `notices`
    (its actions and messages), the editable or read-only fields, the lines,
    `totals`, then `below`."""
    plural = kind + "s"
    return app_shell(
        rx.cond(
            state.not_found,
            rx.callout(f"This {kind} does not exist in this workspace.", icon="info",
                       width="100%"),
            rx.vstack(
                page_header(
                    title, "",
                    status_badge(state.doc["status_label"], state.doc["status_color"]),
                ),
                rx.hstack(rx.link(f"← All {plural}", href=f"/{plural}", size="2"),
                          width="100%"),
                *notices,
                rx.cond(state.editable, doc_fields(state, kind), doc_summary(state, kind)),
                rx.heading("Lines", size="4", as_="h2"),
                lines_block(state, state.lines, state.editable),
                rx.cond(state.editable, add_line_bar(state)),
                rx.flex(rx.spacer(), totals, width="100%"),
                *below,
                spacing="4", width="100%",
            ),
        ),
    )
