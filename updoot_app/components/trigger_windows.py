"""The ICP wizard's freshness windows of buying signals, per trigger."""

from __future__ import annotations

import reflex as rx

from updoot_app.components.forms import form_error, label


def trigger_windows_editor(S) -> rx.Component:
    return rx.form(rx.vstack(
        label("Signals stay fresh for (days, per trigger; 90 when not listed)",
              "trigger-windows"),
        form_error(S.windows_error),
        rx.hstack(
            rx.input(name="windows", id="trigger-windows", default_value=S.windows_text,
                     key=S.windows_key.to_string(), width="100%",
                     placeholder="e.g. recent funding: 60; new CISO: 30"),
            rx.button("Save windows", type="submit", variant="soft", id="save-windows",
                      disabled=~S.can_edit),
            width="100%",
        ),
        spacing="1", width="100%",
    ), on_submit=S.save_windows, width="100%")
