"""/invoices/recurring — every recurring-invoice schedule, with pause, resume and end;
and `repeat_panel`, the invoice page's part (Repeat, its schedules, where it came from)."""

import reflex as rx

from updoot_app.components.layout import app_shell, page_header
from updoot_app.components.recurring import (
    origin_note,
    repeat_dialog,
    schedule_actions,
    schedule_line,
    status_badge,
)
from updoot_app.state.mail.recurring_state import RecurringState as S
from updoot_app.state.mail.recurring_state import RepeatState as R

HEADERS = ("Invoice", "Repeats", "Status", "Next run", "Made", "Email", "")


def schedule_row(row: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row["invoice_number"], href="/invoices/" + row["invoice_id"])),
        rx.table.cell(rx.text(row["frequency"], " from ", row["start_date"], " ",
                              row["until"], size="2")),
        rx.table.cell(status_badge(row)),
        rx.table.cell(row["next_run_date"]),
        rx.table.cell(row["created"]),
        rx.table.cell(row["email"]),
        rx.table.cell(schedule_actions(row, S.change, S.can_edit)),
        class_name="recurring-row",
    )


def recurring_invoices() -> rx.Component:
    return app_shell(
        rx.link("← Invoices", href="/invoices", size="2"),
        page_header("Recurring invoices",
                    "Invoices made every month, quarter or year from one you sent. Start one "
                    "with Repeat on a sent invoice."),
        rx.cond(
            S.rows.length() > 0,
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h)
                                               for h in HEADERS])),
                rx.table.body(rx.foreach(S.rows, schedule_row)),
                width="100%"), overflow_x="auto", width="100%"),
            rx.text("No recurring invoices yet.", size="2", color_scheme="gray"),
        ),
    )


def repeat_panel() -> rx.Component:
    """The invoice page's recurring part."""
    return rx.vstack(
        origin_note(R.origin),
        rx.cond(R.can_edit & R.can_repeat,
                repeat_dialog(open_=R.dialog_open, on_open_change=R.set_dialog_open,
                              on_submit=R.create, error=R.error)),
        rx.foreach(R.schedules, lambda row: schedule_line(row, R.change, R.can_edit)),
        spacing="2", width="100%",
    )
