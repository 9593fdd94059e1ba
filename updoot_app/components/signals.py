"""A company's buying signals: the list (fresh or stale, with the date), the
"Record a signal" dialog (the active ICPs' triggers offered first, free text
allowed), and the fit explanation's lines about triggers."""

from __future__ import annotations

import reflex as rx

from updoot_app.components.focus import dialog_focus_return
from updoot_app.components.forms import form_error, labelled, labelled_by


def evidence_lines(S) -> rx.Component:
    """Under the fit table: each ICP trigger with a signal, matched with its date
    while fresh, stale after."""
    return rx.cond(S.evidence.length() > 0, rx.vstack(
        rx.text("Trigger signals", size="2", weight="medium"),
        rx.foreach(S.evidence, lambda e: rx.hstack(
            rx.badge(e["result"], color_scheme=rx.cond(e["result"] == "match", "green",
                                                       "orange"), size="1"),
            rx.text(e["text"], size="2"), align="center", class_name="trigger-evidence")),
        spacing="1", width="100%", id="trigger-evidence"))


def signal_dialog(S) -> rx.Component:
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title("Record a signal"),
        rx.form(rx.vstack(
            form_error(S.signal_error),
            labelled("Trigger", "signal-trigger", rx.select.root(
                rx.select.trigger(id="signal-trigger", width="100%",
                                  placeholder="Choose a trigger",
                                  aria_labelledby=labelled_by("signal-trigger")),
                rx.select.content(rx.foreach(S.trigger_options,
                                             lambda t: rx.select.item(t, value=t))),
                name="trigger", key=S.fu_key.to_string() + "trigger")),
            labelled("Or another trigger", "signal-other", rx.input(
                name="other_trigger", id="signal-other", width="100%", max_length=60,
                placeholder="e.g. new office")),
            labelled("When it happened", "signal-date", rx.input(
                name="occurred_on", id="signal-date", type="date", width="100%")),
            labelled("Note or source link", "signal-note", rx.input(
                name="note", id="signal-note", width="100%", max_length=500)),
            rx.hstack(rx.dialog.close(rx.button("Cancel", variant="soft", type="button")),
                      rx.button("Record", type="submit", id="save-signal"),
                      justify="end", width="100%"),
            spacing="3", width="100%",
        ), on_submit=S.record_signal, key=S.fu_key),
        max_width="480px",
        **dialog_focus_return("signal", "#record-signal"),
    ), open=S.signal_open, on_open_change=S.signal_dialog_change)


def signals_card(S) -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.heading("Buying signals", size="4", as_="h2"), rx.spacer(),
                  rx.cond(S.can_edit, rx.button(rx.icon("zap", size=14), "Record a signal",
                                                size="2", on_click=S.open_signal,
                                                id="record-signal")),
                  width="100%", align="center"),
        rx.cond(S.signal_rows.length() > 0,
                rx.vstack(rx.foreach(S.signal_rows, lambda r: rx.hstack(
                    rx.badge(r["state"], color_scheme=rx.cond(r["state"] == "fresh", "green",
                                                              "gray"), size="1"),
                    rx.text(r["trigger"], weight="medium", size="2"),
                    rx.text(r["occurred_on"], " (", r["age"], ")", size="1",
                            color_scheme="gray"),
                    rx.text(r["note"], size="1", color_scheme="gray", trim="both"),
                    rx.spacer(),
                    rx.cond(S.can_edit, rx.button("Delete", size="1", variant="ghost",
                                                  color_scheme="red",
                                                  on_click=S.delete_signal(r["id"]))),
                    width="100%", align="center", class_name="signal-row")),
                    spacing="2", width="100%"),
                rx.text("No signals yet: record what just happened to this company "
                        "(a funding round, a new CISO...).", size="2", color_scheme="gray")),
        signal_dialog(S),
        spacing="3", width="100%",
    ), width="100%", id="signals")
