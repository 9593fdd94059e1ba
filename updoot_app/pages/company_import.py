"""CSV import of companies: upload, map columns, preview, validate, import."""

import reflex as rx

from updoot_app.components.forms import form_error, label
from updoot_app.components.layout import app_shell, link_button, page_header
from updoot_app.components.signal_import import signal_import_card
from updoot_app.components.stat import named_progress
from updoot_app.state.crm.company_import_state import FIELD_OPTIONS, CompanyImportState
from updoot_app.state.crm.signal_import_state import SignalImportState

UPLOAD_ID = "companies-csv"


def upload_step() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("1. Upload a CSV file", size="4", as_="h2"),
            rx.text("Comma, semicolon or tab separated; UTF-8 or Windows-1252; up to 50 MB. "
                    "The first row names the columns.", size="2", color_scheme="gray"),
            rx.upload(
                rx.vstack(
                    rx.icon("upload", size=28),
                    rx.text("Drop a CSV file here or click to choose one", size="2"),
                    align="center", spacing="2",
                ),
                id=UPLOAD_ID,
                accept={"text/csv": [".csv", ".txt", ".tsv"]},
                multiple=False,
                max_files=1,
                max_size=50 * 1024 * 1024,
                on_drop=CompanyImportState.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
                border="1px dashed var(--gray-7)",
                border_radius="8px",
                padding="2rem",
                width="100%",
                cursor="pointer",
            ),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def mapping_row(header: str) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(header, weight="medium")),
        rx.table.cell(
            rx.select.root(
                rx.select.trigger(width="100%", id="map-" + header,
                                  aria_label="Company field for the column " + header),
                rx.select.content(*[rx.select.item(o["label"], value=o["value"])
                                    for o in FIELD_OPTIONS]),
                value=CompanyImportState.mapping[header],
                on_change=CompanyImportState.set_mapping(header),
            ),
            min_width="180px",
        ),
    )


def preview_table() -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(rx.foreach(
                CompanyImportState.headers,
                lambda h: rx.table.column_header_cell(h, white_space="nowrap")))),
            rx.table.body(rx.foreach(
                CompanyImportState.preview,
                lambda row: rx.table.row(rx.foreach(row, lambda v: rx.table.cell(v))))),
            size="1", variant="surface", width="100%",
        ),
        overflow_x="auto", width="100%", id="preview",
    )


def error_table() -> rx.Component:
    return rx.cond(
        CompanyImportState.error_total > 0,
        rx.vstack(
            rx.hstack(
                rx.text(CompanyImportState.error_total, " problem(s); the first ones:",
                        size="2", weight="medium"),
                rx.spacer(),
                rx.button(rx.icon("download", size=14), "Download error report",
                          variant="soft", size="1", on_click=CompanyImportState.download_errors,
                          id="download-errors"),
                width="100%", align="center",
            ),
            rx.box(
                rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell("Row"),
                        rx.table.column_header_cell("Column"),
                        rx.table.column_header_cell("Reason"))),
                    rx.table.body(rx.foreach(
                        CompanyImportState.error_rows,
                        lambda e: rx.table.row(rx.table.cell(e["row"]),
                                               rx.table.cell(e["column"]),
                                               rx.table.cell(e["reason"]),
                                               class_name="error-row"))),
                    size="1", width="100%",
                ),
                overflow_x="auto", width="100%", id="error-report",
            ),
            spacing="2", width="100%",
        ),
    )


def progress_bar() -> rx.Component:
    return rx.cond(
        CompanyImportState.busy,
        rx.vstack(
            named_progress(CompanyImportState.percent, "Import progress"),
            rx.text(CompanyImportState.progress_label, size="2", color_scheme="gray"),
            spacing="1", width="100%", id="import-progress",
        ),
    )


def map_step() -> rx.Component:
    return rx.vstack(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading("2. Map the columns", size="4", as_="h2"),
                    rx.spacer(),
                    rx.text(CompanyImportState.filename, " · ", CompanyImportState.row_count,
                            " rows", size="2", color_scheme="gray"),
                    width="100%", align="center", wrap="wrap",
                ),
                rx.text("Each CSV column goes to a company field; guesses come from the "
                        "header. A dated buying signal per row: one column to Signal "
                        "trigger, one to Signal date (e.g. signal, signal_on: "
                        "2026-03-31).", size="2", color_scheme="gray"),
                rx.box(
                    rx.table.root(
                        rx.table.header(rx.table.row(
                            rx.table.column_header_cell("CSV column"),
                            rx.table.column_header_cell("Company field"))),
                        rx.table.body(rx.foreach(CompanyImportState.headers, mapping_row)),
                        size="1", width="100%",
                    ),
                    overflow_x="auto", width="100%",
                ),
                rx.foreach(CompanyImportState.problems,
                           lambda m: rx.callout(m, icon="triangle-alert", color_scheme="red",
                                                size="1", width="100%")),
                spacing="3", width="100%",
            ),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.heading("3. Preview", size="4", as_="h2"),
                rx.text("The first rows as read from the file.", size="2",
                        color_scheme="gray"),
                preview_table(),
                spacing="3", width="100%",
            ),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.heading("4. Check and import", size="4", as_="h2"),
                rx.hstack(
                    rx.text("When a company with the same domain exists:", size="2",
                            id="on-duplicate-label"),
                    rx.radio_group.root(
                        rx.hstack(
                            rx.radio_group.item(value="skip", id="dup-skip",
                                                aria_labelledby="dup-skip-label"),
                            label("Skip the row", "dup-skip", weight=None),
                            rx.radio_group.item(value="update", id="dup-update",
                                                aria_labelledby="dup-update-label"),
                            label("Update the company", "dup-update", weight=None),
                            spacing="2", align="center",
                        ),
                        value=CompanyImportState.on_duplicate,
                        on_change=CompanyImportState.set_on_duplicate,
                        aria_labelledby="on-duplicate-label",
                    ),
                    wrap="wrap", spacing="3", align="center",
                ),
                rx.cond(
                    CompanyImportState.validated,
                    rx.text(rx.text.strong(CompanyImportState.valid_count),
                            " valid rows, ", rx.text.strong(CompanyImportState.invalid_count),
                            " rows with problems (they will not be imported).", size="2",
                            id="validation-counts"),
                ),
                error_table(),
                progress_bar(),
                rx.hstack(
                    rx.button("Start over", variant="ghost", color_scheme="gray",
                              on_click=CompanyImportState.start_over,
                              disabled=CompanyImportState.busy),
                    rx.spacer(),
                    rx.button("Validate", variant="soft", on_click=CompanyImportState.validate,
                              disabled=CompanyImportState.busy
                              | (CompanyImportState.problems.length() > 0),
                              id="validate-import"),
                    rx.button("Import", on_click=CompanyImportState.run_import,
                              disabled=CompanyImportState.busy
                              | (CompanyImportState.problems.length() > 0),
                              id="run-import"),
                    width="100%", align="center", spacing="2",
                ),
                spacing="3", width="100%",
            ),
            width="100%",
        ),
        spacing="4", width="100%",
    )


def done_step() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Import finished", size="4", as_="h2"),
            rx.callout(CompanyImportState.summary, icon="circle-check", color_scheme="green",
                       width="100%", id="import-summary"),
            error_table(),
            rx.hstack(
                link_button("See the companies", id="see-companies", href="/companies"),
                rx.button("Import another file", variant="soft",
                          on_click=CompanyImportState.start_over),
                spacing="2", wrap="wrap",
            ),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def company_import_page() -> rx.Component:
    return app_shell(
        rx.link(rx.hstack(rx.icon("arrow-left", size=14), rx.text("Companies"), spacing="1",
                          align="center"), href="/companies", size="2"),
        page_header("Import companies", "From a CSV file, with a check of every row."),
        form_error(CompanyImportState.upload_error),
        rx.match(
            CompanyImportState.step,
            ("map", map_step()),
            ("done", done_step()),
            upload_step(),
        ),
        signal_import_card(SignalImportState),
    )
