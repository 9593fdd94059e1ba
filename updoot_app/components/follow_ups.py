"""Follow-up pieces shared by Today, the company and the deal pages: the new
follow-up dialog, the done dialog (log it, schedule the next one proposed), and
a list of follow-ups with Done / Snooze / Reopen. Each takes the page's state
class (a FollowUpDialogs) and the rows to show."""

from __future__ import annotations

import reflex as rx

from updoot_app.components.focus import dialog_focus_return, menu_focus_return
from updoot_app.components.forms import form_error, label, labelled, labelled_by
from updoot_app.components.forms import select as labelled_select

TYPES = ["call", "email", "meeting", "todo"]
LOG_KINDS = ["none", "call", "email", "meeting", "note"]
# A dialog closed (or a follow-up snoozed) whose button is gone with its row, and
# no row left in its place: the page's Add follow-up button, or the first button
# of a Today line (ROW: the value of data-focus-row on each row of a list).
FOCUS_FALLBACK = "#add-follow-up, [data-focus-row] button"
ROW = "follow-ups"


def _input(text: str, cid: str, name: str, S, value, **props) -> rx.Component:
    return labelled(text, cid, rx.input(name=name, id=cid, default_value=value,
                                        key=S.fu_key.to_string() + cid, width="100%", **props))


def _buttons(S, submit: str, sid: str, on_cancel) -> rx.Component:
    return rx.hstack(
        rx.dialog.close(rx.button("Cancel", variant="soft", type="button", on_click=on_cancel)),
        rx.button(submit, type="submit", id=sid),
        justify="end", width="100%",
    )


def follow_up_dialog(S) -> rx.Component:
    """New follow-up: title, type, due day and time, assignee, notes."""
    d = S.fu_defaults
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title("Schedule a follow-up"),
        rx.form(rx.vstack(
            form_error(S.fu_error),
            _input("Title", "fu-title", "title", S, d["title"].to(str), max_length=200,
                   required=True),
            rx.grid(
                labelled("Type", "fu-type", labelled_select(
                    TYPES, id="fu-type", name="type", default_value=d["type"].to(str),
                    key=S.fu_key.to_string() + "type")),
                _input("Due on", "fu-due-on", "due_on", S, d["due_on"].to(str), type="date"),
                _input("Time (optional)", "fu-due-at", "due_at", S, "", type="time"),
                labelled("Assignee", "fu-assignee", rx.select.root(
                    rx.select.trigger(id="fu-assignee", width="100%",
                                      aria_labelledby=labelled_by("fu-assignee")),
                    rx.select.content(rx.foreach(S.assignee_options, lambda o: rx.select.item(
                        o["label"], value=o["id"]))),
                    name="assignee_id", default_value=d["assignee_id"].to(str),
                    key=S.fu_key.to_string() + "assignee")),
                columns="2", spacing="3", width="100%",
            ),
            labelled("Notes", "fu-notes", rx.text_area(name="notes", id="fu-notes", width="100%",
                                                       max_length=5000,
                                                       key=S.fu_key.to_string() + "notes")),
            _buttons(S, "Save follow-up", "save-follow-up", S.follow_up_dialog_change(False)),
            spacing="3", width="100%",
        ), on_submit=S.save_follow_up),
        max_width="520px",
        # Closed, the focus goes back to the button that opened it.
        **dialog_focus_return("follow-up", FOCUS_FALLBACK),
    ), open=S.fu_open, on_open_change=S.follow_up_dialog_change)


def done_dialog(S) -> rx.Component:
    """Done: optionally log it as an interaction, and schedule the next one (as
    proposed, editable)."""
    n = S.done_next
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title("Done: ", S.done_title),
        rx.form(rx.vstack(
            form_error(S.done_error),
            rx.grid(
                labelled("Log it as", "done-log-kind", labelled_select(
                    LOG_KINDS, id="done-log-kind", name="log_kind", default_value="none",
                    key=S.fu_key.to_string() + "logkind")),
                _input("What happened", "done-summary", "summary", S, "", max_length=2000),
                columns="2", spacing="3", width="100%",
            ),
            rx.heading("Next follow-up", size="3", as_="h3"),
            rx.hstack(
                rx.checkbox(name="schedule_next", id="done-schedule", default_checked=True,
                            key=S.fu_key.to_string() + "sched",
                            custom_attrs={"aria-labelledby": labelled_by("done-schedule")}),
                label("Schedule the next one", "done-schedule", weight=None),
                align="center",
            ),
            _input("Next title", "done-next-title", "next_title", S, n["title"].to(str),
                   max_length=200),
            rx.grid(
                labelled("Next type", "done-next-type", labelled_select(
                    TYPES, id="done-next-type", name="next_type",
                    default_value=n["type"].to(str), key=S.fu_key.to_string() + "ntype")),
                _input("Next due on", "done-next-due", "next_due_on", S, n["due_on"].to(str),
                       type="date"),
                columns="2", spacing="3", width="100%",
            ),
            _buttons(S, "Mark done", "finish-done", S.done_dialog_change(False)),
            spacing="3", width="100%",
        ), on_submit=S.finish_done),
        max_width="520px",
        **dialog_focus_return("done", FOCUS_FALLBACK),
    ), open=S.done_open, on_open_change=S.done_dialog_change)


def snooze_menu(S, follow_up_id) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(rx.button("Snooze", size="1", variant="soft", color_scheme="gray",
                                  class_name="snooze-button")),
        rx.menu.content(
            rx.menu.item("Tomorrow", on_click=S.snooze(follow_up_id, "tomorrow")),
            rx.menu.item("Next week", on_click=S.snooze(follow_up_id, "next_week")),
            **menu_focus_return(FOCUS_FALLBACK),
        ),
    )


def follow_up_item(S, row) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(rx.cond(row["done"] != "", rx.el.s(row["title"]), row["title"]),
                    weight="medium", size="2"),
            rx.text(row["type"], " · due ", row["due"], " · ", row["assignee"], size="1",
                    color_scheme=rx.cond(row["overdue"] != "", "red", "gray")),
            spacing="0",
        ),
        rx.spacer(),
        rx.cond(S.can_edit, rx.cond(
            row["done"] != "",
            rx.button("Reopen", size="1", variant="ghost", on_click=S.reopen(row["id"])),
            rx.hstack(rx.button("Done", size="1", class_name="done-button",
                                on_click=S.start_done(row["id"])),
                      snooze_menu(S, row["id"]), spacing="1"))),
        width="100%", align="center", class_name="follow-up-row",
        custom_attrs={"data-focus-row": ROW},
    )


def follow_ups_card(S, rows, on_new, *, heading: str = "Follow-ups",
                    flag=None) -> rx.Component:
    """A card listing follow-ups with a button for a new one (`on_new`); `flag` an
    optional component shown beside the heading (the deal's "No next step")."""
    return rx.card(rx.vstack(
        rx.hstack(rx.heading(heading, size="4", as_="h2"), flag or rx.fragment(), rx.spacer(),
                  rx.cond(S.can_edit, rx.button(rx.icon("calendar-plus", size=14),
                                                "Add follow-up", size="2", on_click=on_new,
                                                id="add-follow-up")),
                  width="100%", align="center"),
        rx.cond(rows.length() > 0,
                rx.vstack(rx.foreach(rows, lambda r: follow_up_item(S, r)), spacing="2",
                          width="100%"),
                rx.text("No follow-ups yet.", size="2", color_scheme="gray")),
        follow_up_dialog(S), done_dialog(S),
        spacing="3", width="100%",
    ), width="100%", id="follow-ups")


def next_step_flag(next_step) -> rx.Component:
    """The deal's next step, or the "No next step" flag of an open deal without one."""
    return rx.cond(next_step["no_next_step"] == "yes",
                   rx.badge("No next step", color_scheme="orange", id="no-next-step"),
                   rx.cond(next_step["next"].to(str) != "",
                           rx.text("Next: ", next_step["next"], size="2", color_scheme="gray",
                                   id="next-step")))
