"""A document's mail history: each message with its status (queued, sent with
its time, failed with the server's reason) and Retry for a failed one."""

from __future__ import annotations

import reflex as rx

from updoot_app.components.billing import status_badge


def _row(state, row: dict, can_retry) -> rx.Component:
    return rx.flex(
        status_badge(row["status_label"], row["color"]),
        rx.vstack(
            rx.text(row["subject"], size="2", weight="medium"),
            rx.text("To ", row["to"], size="1", color_scheme="gray"),
            rx.match(
                row["status"],
                ("sent", rx.text("Sent ", row["sent_at"], size="1")),
                ("failed", rx.text("Not sent: ", row["last_error"], size="1",
                                   color_scheme="red", class_name="mail-error")),
                rx.text("Queued ", row["created_at"], " · goes out in a moment", size="1"),
            ),
            spacing="0", flex="1", min_width="0",
        ),
        rx.cond(can_retry & (row["can_retry"] != ""),
                rx.button("Retry", size="1", variant="soft", on_click=state.retry(row["id"]),
                          aria_label="Retry sending " + row["subject"])),
        spacing="3", align="start", width="100%", padding_y="0.4rem",
        border_bottom="1px solid var(--gray-a4)", class_name="mail-row",
    )


def mail_history(state, can_retry) -> rx.Component:
    """`state` is DocumentMailState (its `history` rows, `retry`, `refresh`)."""
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading("Email history", size="4", as_="h2"),
                rx.spacer(),
                rx.button(rx.icon("refresh-cw", size=14), "Refresh", size="1", variant="ghost",
                          on_click=state.refresh, id="mail-refresh"),
                width="100%", align="center",
            ),
            rx.cond(state.history.length() > 0,
                    rx.vstack(rx.foreach(state.history, lambda r: _row(state, r, can_retry)),
                              spacing="0", width="100%"),
                    rx.text("Not sent by email yet.", size="2", color_scheme="gray")),
            spacing="3", width="100%",
        ),
        width="100%", id="mail-history",
    )
