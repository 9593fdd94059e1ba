"""A figure card for dashboards, and a named progress bar."""

import reflex as rx
from reflex.vars.function import FunctionStringVar


def stat_card(label: str, value: rx.Var | str, hint: rx.Var | str = "",
              test_id: str = "") -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", color_scheme="gray"),
            # The figure is not a heading (the label is what it is about).
            rx.text(value, size="6", weight="bold", id=test_id or None),
            rx.text(hint, size="1", color_scheme="gray"),
            spacing="1",
        ),
        width="100%",
    )


def named_progress(percent: rx.Var, label: rx.Var | str, **props) -> rx.Component:
    """A progress bar with an accessible name (what progresses). `percent` may
    be a number or its text (a row of text values): the bar reads it as a
    number in the browser; a text value would draw it as "indeterminate"."""
    value = percent if isinstance(percent, rx.Var) and percent._var_type is int else \
        FunctionStringVar.create("Number").call(percent).to(int)
    return rx.progress(value=value, aria_label=label, width="100%", **props)
