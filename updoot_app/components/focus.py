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
# frame or more later (later still on a busy machine), so look for it once per
# frame, for up to LOOK_MS.
LOOK_MS = 3000
_FOCUS_WHEN_DRAWN_JS = ("((id) => { const until = performance.now() + LOOK_MS; "
                        "const look = () => { const el = document.getElementById(id); "
                        "if (el) el.focus(); "
                        "else if (performance.now() < until) requestAnimationFrame(look); "
                        "}; requestAnimationFrame(look); })").replace("LOOK_MS", str(LOOK_MS))


def focus_when_drawn(element_id: str | rx.Var) -> rx.event.EventSpec:
    """An event, chained after the one that redraws: focus the element whose
    id is `element_id` as soon as it is on the page (a Var id is read when the
    chain starts, e.g. the index the next line will have)."""
    if isinstance(element_id, str):
        return rx.call_script(f"{_FOCUS_WHEN_DRAWN_JS}({json.dumps(element_id)})")
    return rx.call_script(_FOCUS_WHEN_DRAWN_JS + "(" + element_id.to_string(use_json=True)
                          + ")")


# The element that has the focus when the event runs is watched once per frame for
# up to LOOK_MS: once the redraw has taken it off the page (or had already: the
# focus is on <body>), the fallback gets the focus; if the person moves the focus
# elsewhere first, nothing is done.
_FOCUS_IF_LOST_JS = ("((id) => { const had = document.activeElement; "
                     "const until = performance.now() + LOOK_MS; const look = () => { "
                     "const now = document.activeElement; "
                     "const gone = !had || had === document.body || !had.isConnected; "
                     "if (gone && (!now || now === document.body)) { "
                     "document.getElementById(id)?.focus(); return; } "
                     "if (now === had && performance.now() < until) requestAnimationFrame(look); "
                     "}; requestAnimationFrame(look); })").replace("LOOK_MS", str(LOOK_MS))


def focus_if_lost(element_id: str) -> rx.event.EventSpec:
    """An event, chained after one whose redraw may remove the focused control
    (the payment form once the invoice is paid): the focus goes to the element
    whose id is `element_id` instead of the top of the page."""
    return rx.call_script(f"{_FOCUS_IF_LOST_JS}({json.dumps(element_id)})")
