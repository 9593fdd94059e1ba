"""A figure card for dashboards."""

import reflex as rx


def stat_card(label: str, value: rx.Var | str, hint: rx.Var | str = "",
              test_id: str = "") -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", color_scheme="gray"),
            rx.heading(value, size="6", id=test_id or None),
            rx.text(hint, size="1", color_scheme="gray"),
            spacing="1",
        ),
        width="100%",
    )
