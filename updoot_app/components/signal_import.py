"""The company import page's "Import buying signals" card."""

from __future__ import annotations

import reflex as rx

from updoot_app.components.forms import form_error

UPLOAD_ID = "signals-csv"


def signal_import_card(S) -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Import buying signals", size="4", as_="h2"),
        rx.text("A CSV file with the columns domain, trigger, occurred_on (YYYY-MM-DD) and "
                "an optional note: each row a signal on the company with that domain.",
                size="2", color_scheme="gray"),
        form_error(S.signal_error),
        rx.upload(
            rx.text("Drop a signals CSV here or click to choose one", size="2"),
            id=UPLOAD_ID, accept={"text/csv": [".csv", ".txt", ".tsv"]}, multiple=False,
            max_files=1, max_size=10 * 1024 * 1024,
            on_drop=S.upload_signals(rx.upload_files(upload_id=UPLOAD_ID)),
            border="1px dashed var(--gray-7)", border_radius="8px", padding="1rem",
            width="100%", cursor="pointer",
        ),
        rx.cond(S.signal_result != "", rx.text(S.signal_result, size="2", id="signal-result")),
        rx.foreach(S.signal_problems, lambda line: rx.text(line, size="1", color_scheme="red")),
        spacing="3", width="100%",
    ), width="100%", id="signal-import")
