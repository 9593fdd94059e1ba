"""Small form building blocks, and the labels that name every form control.

Every control gets an accessible name from a label tied to its id: `label()`
draws the visible one (`<label for=id id=id-label>`), `hidden_label()` an
invisible one for compact forms whose placeholder already shows the same
words. Radix controls that render as buttons (select triggers, radios,
checkboxes, switches) also take `aria-labelledby=labelled_by(id)`, which every
engine honours for a button with a role. Reflex passes `html_for` of
`rx.text(as_="label")` into CSS, not to the element, so the attribute goes
through `custom_attrs` here, once."""

from __future__ import annotations

import reflex as rx

# Visually hidden, still read by screen readers (the usual "sr-only" rules).
SR_ONLY = {"position": "absolute", "width": "1px", "height": "1px", "padding": "0",
           "margin": "-1px", "overflow": "hidden", "clip": "rect(0, 0, 0, 0)",
           "white_space": "nowrap", "border": "0"}


def labelled_by(control_id: str | rx.Var) -> str | rx.Var:
    """The id of the label of the control `control_id` (for aria-labelledby)."""
    return control_id + "-label"


def label(text, control_id: str | rx.Var, *, size: str | None = "2",
          weight: str | None = "medium", **props) -> rx.Component:
    """The visible label of the control whose id is `control_id` (size and
    weight None: the text's own, as a plain `rx.text`)."""
    if size:
        props["size"] = size
    if weight:
        props["weight"] = weight
    return rx.text(text, as_="label", id=labelled_by(control_id),
                   custom_attrs={"htmlFor": control_id}, **props)


def hidden_label(text, control_id: str | rx.Var) -> rx.Component:
    """A label only assistive technology reads: for a compact form whose
    placeholder shows the same words (a placeholder alone is no name: it goes
    away when the field is filled)."""
    return rx.el.label(text, html_for=control_id, id=labelled_by(control_id), style=SR_ONLY)


def labelled(text, control_id: str | rx.Var, control: rx.Component, **props) -> rx.Component:
    """A label above its control."""
    return rx.vstack(label(text, control_id), control,
                     **{"spacing": "1", "width": "100%", **props})


def select(items, *, id: str | rx.Var, aria_label: str | rx.Var | None = None,
           **props) -> rx.Component:
    """`rx.select(items)` named by the label of its id, or by `aria_label` where
    no visible label fits (a select in a table row). The high-level select
    hands only `custom_attrs` (and id, placeholder, ...) to its trigger, the
    element that gets the focus; other aria props would land on the root,
    which draws nothing."""
    name = ({"aria-label": aria_label} if aria_label is not None
            else {"aria-labelledby": labelled_by(id)})
    return rx.select(items, id=id, custom_attrs=name, **props)


def field(label_text: str, name: str, *, type: str = "text", placeholder: str = "",
          required: bool = True, default_value: str | rx.Var = "", id: str = "",
          **props) -> rx.Component:
    """A labelled text input; its id is `id`, or `name` when the page has one such field."""
    control_id = id or name
    return rx.vstack(
        label(label_text, control_id),
        rx.input(name=name, id=control_id, type=type, placeholder=placeholder,
                 required=required, default_value=default_value, width="100%", size="3",
                 **props),
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
