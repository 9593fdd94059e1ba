"""Companies: the target account list, one page of rows at a time."""

import reflex as rx

from updoot_app.components.fit_badge import fit_badge
from updoot_app.components.forms import field, form_error, hidden_label
from updoot_app.components.layout import app_shell, link_button, page_header
from updoot_app.services.profiles.tiers import TIER_LABELS
from updoot_app.state.crm.companies_state import NONE, CompaniesState

TIER_OPTIONS = list(TIER_LABELS.items())


def sort_header(label: str, column: str) -> rx.Component:
    arrow = rx.cond(
        CompaniesState.sort == column,
        rx.cond(CompaniesState.direction == "asc", rx.icon("arrow-up", size=14),
                rx.icon("arrow-down", size=14)),
        rx.icon("arrow-up-down", size=14, opacity="0.4"),
    )
    return rx.table.column_header_cell(
        rx.el.button(rx.hstack(rx.text(label), arrow, spacing="1", align="center"),
                     on_click=CompaniesState.sort_by(column), type="button",
                     id=f"sort-{column}", style={"all": "unset", "cursor": "pointer"}),
        white_space="nowrap",
    )


def company_row(row: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(fit_badge(row["tier"], row["score"], row["summary"])),
        rx.table.cell(
            rx.vstack(
                rx.link(row["name"], href="/companies/" + row["id"], weight="medium",
                        class_name="company-link"),
                rx.text(row["domain"], size="1", color_scheme="gray"),
                spacing="0",
            ),
        ),
        rx.table.cell(row["industry"]),
        rx.table.cell(row["employees"], text_align="right"),
        rx.table.cell(row["country"]),
        rx.table.cell(rx.text(row["owner"], size="1", color_scheme="gray")),
    )


def _select(key: str, placeholder: str, items: list | rx.Var, width: str = "150px",
            labels: bool = False) -> rx.Component:
    value = CompaniesState.filters.get(key, "")
    return rx.select.root(
        rx.select.trigger(placeholder=placeholder, width=width, id=f"filter-{key}",
                          aria_label=placeholder),
        rx.select.content(
            rx.select.item(f"Any {placeholder.lower()}", value=NONE),
            *([rx.select.item(label, value=v) for v, label in items] if labels else []),
            *([rx.foreach(items, lambda v: rx.select.item(v, value=v))] if not labels
              else []),
        ),
        value=rx.cond(value == "", NONE, value),
        on_change=CompaniesState.set_filter(key),
    )


def filters() -> rx.Component:
    return rx.flex(
        rx.form(
            hidden_label("Search companies by name or domain", "company-search"),
            rx.input(rx.input.slot(rx.icon("search", size=16)), name="search",
                     placeholder="Search name or domain", default_value=CompaniesState.search,
                     key=CompaniesState.search, id="company-search", width="220px"),
            on_submit=CompaniesState.search_submit, width="auto",
        ),
        _select("fit_tier", "Fit tier", TIER_OPTIONS, "130px", labels=True),
        _select("industry", "Industry", CompaniesState.industries),
        _select("country", "Country", CompaniesState.countries, "120px"),
        rx.select.root(
            rx.select.trigger(placeholder="Owner", width="170px", id="filter-owner_id",
                              aria_label="Owner"),
            rx.select.content(
                rx.select.item("Any owner", value=NONE),
                rx.foreach(CompaniesState.owners,
                           lambda o: rx.select.item(o["email"], value=o["id"])),
            ),
            value=rx.cond(CompaniesState.filters.get("owner_id", "") == "", NONE,
                          CompaniesState.filters.get("owner_id", "")),
            on_change=CompaniesState.set_filter("owner_id"),
        ),
        _select("has_open_deal", "Open deal", [("yes", "Has an open deal"),
                                                ("no", "No open deal")], "150px", labels=True),
        rx.form(
            hidden_label("Tag", "filter-tag"),
            rx.input(name="tag", placeholder="Tag", default_value=CompaniesState.filters.get(
                "tag", "").to(str), key=CompaniesState.filters.get("tag", "").to(str),
                id="filter-tag", width="120px"),
            on_submit=CompaniesState.tag_submit, width="auto",
        ),
        rx.cond(CompaniesState.has_filters,
                rx.button("Clear", variant="ghost", on_click=CompaniesState.clear_filters,
                          id="clear-filters")),
        spacing="2", wrap="wrap", align="center", width="100%",
    )


def add_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("plus", size=16), "Add company", id="add-company")),
        rx.dialog.content(
            rx.dialog.title("Add a company"),
            rx.form(
                rx.vstack(
                    form_error(CompaniesState.add_error),
                    field("Name", "name", id="new-company-name"),
                    field("Domain", "domain", id="new-company-domain", required=False,
                          placeholder="acme.io"),
                    field("Industry", "industry", id="new-company-industry", required=False),
                    rx.grid(field("Employees", "employees", id="new-company-employees",
                                  required=False, type="number"),
                            field("Annual revenue", "annual_revenue",
                                  id="new-company-annual_revenue", required=False,
                                  placeholder="5000000"),
                            columns="2", spacing="3", width="100%"),
                    field("Country", "country", id="new-company-country", required=False,
                          placeholder="US or Germany"),
                    field("Tags", "tags", id="new-company-tags", required=False,
                          placeholder="inbound, partner"),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray",
                                                  type="button")),
                        rx.button("Add company", type="submit", id="add-company-submit"),
                        justify="end", width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=CompaniesState.add_company,
            ),
            max_width="480px",
        ),
        open=CompaniesState.add_open,
        on_open_change=CompaniesState.open_add,
    )


def export_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(rx.button(rx.icon("download", size=16), "Export CSV", variant="soft",
                                  id="export-menu")),
        rx.menu.content(
            rx.menu.item("Companies", on_click=CompaniesState.export_csv("companies"),
                         id="export-companies"),
            rx.menu.item("Contacts", on_click=CompaniesState.export_csv("contacts"),
                         id="export-contacts"),
            rx.menu.item("Deals", on_click=CompaniesState.export_csv("deals"),
                         id="export-deals"),
        ),
    )


def pager() -> rx.Component:
    return rx.hstack(
        rx.text(CompaniesState.total_label, size="2", color_scheme="gray"),
        rx.spacer(),
        rx.button(rx.icon("chevron-left", size=16), "Prev", variant="soft",
                  on_click=CompaniesState.prev_page, disabled=CompaniesState.page <= 1,
                  id="prev-page"),
        rx.text(CompaniesState.page_label, size="2", id="page-label", white_space="nowrap"),
        rx.button("Next", rx.icon("chevron-right", size=16), variant="soft",
                  on_click=CompaniesState.next_page,
                  disabled=CompaniesState.page >= CompaniesState.page_count, id="next-page"),
        width="100%", align="center", spacing="2",
    )


def companies_page() -> rx.Component:
    return app_shell(
        page_header(
            "Companies", "Your target account list, scored against your ICPs.",
            rx.hstack(
                export_menu(),
                rx.cond(CompaniesState.can_edit, rx.hstack(
                    link_button(rx.icon("upload", size=16), "Import CSV", variant="soft",
                                id="import-csv", href="/companies/import"),
                    add_dialog(), spacing="2")),
                spacing="2", wrap="wrap",
            ),
        ),
        filters(),
        rx.cond(
            CompaniesState.rows.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(rx.table.row(
                        sort_header("Fit", "fit_score"),
                        sort_header("Company", "name"),
                        sort_header("Industry", "industry"),
                        sort_header("Employees", "employees"),
                        sort_header("Country", "country"),
                        rx.table.column_header_cell("Owner"),
                    )),
                    rx.table.body(rx.foreach(CompaniesState.rows, company_row)),
                    variant="surface", size="2", width="100%",
                ),
                overflow_x="auto", width="100%",
            ),
            rx.callout(
                rx.cond(CompaniesState.has_filters, "No company matches these filters.",
                        "No companies yet: add one or import a CSV."),
                icon="info", width="100%",
            ),
        ),
        pager(),
    )
