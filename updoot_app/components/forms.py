"""Small form building blocks."""

from __future__ import annotations

import reflex as rx


def field(label: str, name: str, *, type: str = "text", placeholder: str = "",
          required: bool = True, default_value: str | rx.Var = "", **props) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", html_for=name, size="2", weight="medium"),
        rx.input(name=name, id=name, type=type, placeholder=placeholder, required=required,
                 default_value=default_value, width="100%", size="3", **props),
        spacing="1",
        width="100%",
    )


def section(title: str, *children, id: str = "") -> rx.Component:
    """A titled card: one section of a settings-like page."""
    return rx.card(rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="3",
                             width="100%"),
                   width="100%", id=id or None)


def form_error(message: rx.Var) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle-alert", color_scheme="red", role="alert",
                   width="100%"),
    )


def auth_card(*children: rx.Component) -> rx.Component:
    """The card of the log-in, sign-up and invite pages: the page's <main>."""
    return rx.el.main(rx.center(
        rx.card(
            rx.vstack(*children, spacing="4", width="100%"),
            width="100%",
            max_width="420px",
            size="3",
        ),
        min_height="85vh",
        padding="1rem",
    ))
