"""Moving the keyboard focus to where a journey goes on, after an event has
redrawn the page (a new step of the wizard, a line just added), or back onto
the page when the redraw took away the element that had it.

Without it the focus stays on the button that was pressed, or falls to the
page's <body> when that button is gone, and a keyboard user must find their
way back through the whole page. A mouse user sees no ring: a focus moved by a
script after a click is not :focus-visible."""

from __future__ import annotations

import json

import reflex as rx

# Runs after the state's update has been applied; React may draw the new element a
# frame or two later, so look for it once per frame for about a second.
_FOCUS_WHEN_DRAWN_JS = ("((id) => { let tries = 60; const look = () => { "
                        "const el = document.getElementById(id); "
                        "if (el) el.focus(); else if (--tries > 0) requestAnimationFrame(look); "
                        "}; requestAnimationFrame(look); })")


def focus_when_drawn(element_id: str | rx.Var) -> rx.event.EventSpec:
    """An event, chained after the one that redraws: focus the element whose
    id is `element_id` as soon as it is on the page (a Var id is read when the
    chain starts, e.g. the index the next line will have)."""
    if isinstance(element_id, str):
        return rx.call_script(f"{_FOCUS_WHEN_DRAWN_JS}({json.dumps(element_id)})")
    return rx.call_script(_FOCUS_WHEN_DRAWN_JS + "(" + element_id.to_string(use_json=True)
                          + ")")


# A few frames after the update (React has drawn it by then): if the element that
# had the focus is gone, the focus is on <body>; put it on the fallback.
_FOCUS_IF_LOST_JS = ("((id) => { let frames = 3; const look = () => { "
                     "if (--frames > 0) { requestAnimationFrame(look); return; } "
                     "const now = document.activeElement; "
                     "if (!now || now === document.body) document.getElementById(id)?.focus(); "
                     "}; requestAnimationFrame(look); })")


def focus_if_lost(element_id: str) -> rx.event.EventSpec:
    """An event, chained after one whose redraw may remove the focused control
    (the payment form once the invoice is paid): the focus goes to the element
    whose id is `element_id` instead of the top of the page."""
    return rx.call_script(f"{_FOCUS_IF_LOST_JS}({json.dumps(element_id)})")
