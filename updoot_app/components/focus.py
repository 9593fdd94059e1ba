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
from reflex.vars.function import FunctionStringVar

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


# For up to LOOK_MS the element with the id (or, once it is not on the page, the
# fallback) gets the focus, and gets it again if the redraw replaces it (an input
# drawn again under a new React key): the id may name, for a frame, the element
# the update is about to take away. If the person moves the focus on, it stops.
_FOCUS_HELD_JS = ("((id, fb) => { const until = performance.now() + LOOK_MS; let placed = null; "
                  "const look = () => { const now = document.activeElement; "
                  "if (placed && placed.isConnected && now !== placed && now "
                  "&& now !== document.body) return; "
                  "if (!placed || !placed.isConnected || now !== placed) { "
                  "const el = document.getElementById(id) || document.getElementById(fb); "
                  "if (el) { el.focus(); placed = el; } } "
                  "if (performance.now() < until) requestAnimationFrame(look); "
                  "}; requestAnimationFrame(look); })").replace("LOOK_MS", str(LOOK_MS))


def focus_held(element_id: rx.Var, fallback_id: str) -> rx.event.EventSpec:
    """An event, chained after one that removes a row: the focus goes to the
    element whose id is `element_id` (read when the chain starts: the row that
    takes the removed one's place), or to `fallback_id` when there is none."""
    return rx.call_script(_FOCUS_HELD_JS + "(" + element_id.to_string(use_json=True) + ", "
                          + json.dumps(fallback_id) + ")")


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


# --- giving the focus back when a dialog opened from state closes -------------------------
#
# A dialog opened by the state (a Done button in a list, a card's "+ Next step",
# a move to Lost) has no Radix trigger to give the focus back to: Radix's modal
# dialog focuses its trigger on close, and with none the focus falls to <body>.
# The dialog's content remembers the control that had the focus when it opened
# (onOpenAutoFocus runs before the focus moves in) and gives it back on close
# (onCloseAutoFocus). A redraw may have replaced that control by then (the row
# moved, its button changed): the same id, then the same `data-focus-key`, then
# the control at the same place in its list (`data-focus-row`: rows of one list
# share the value), then the dialog's fallback. Looked for once per frame for up
# to LOOK_MS (the update that closes it may draw the rows a moment later); if the
# person moves the focus meanwhile, nothing is done.
_FOCUS_LIB_JS = """(window.__updootFocus ||= (() => {
  const openers = {};
  const shown = (x) => !!x && x.isConnected && !x.disabled && x.getClientRects().length > 0;
  const lost = () => !document.activeElement || document.activeElement === document.body;
  const where = (el) => {
    if (!el || el === document.body || el.closest('[role=dialog], [popover], [role=menu]')) {
      return null;
    }
    const row = el.closest('[data-focus-row]');
    const group = row ? row.getAttribute('data-focus-row') : null;
    const rows = group ? [...document.querySelectorAll('[data-focus-row="' + CSS.escape(group)
                                                       + '"]')] : [];
    return {el, id: el.id, key: el.getAttribute('data-focus-key'), group,
            index: row ? rows.indexOf(row) : -1};
  };
  const find = (o, fallback) => {
    if (o) {
      if (shown(o.el)) return o.el;
      const byId = o.id && document.getElementById(o.id);
      if (shown(byId)) return byId;
      const byKey = o.key && document.querySelector('[data-focus-key="' + CSS.escape(o.key)
                                                     + '"]');
      if (shown(byKey)) return byKey;
      if (o.group) {
        const rows = [...document.querySelectorAll('[data-focus-row="'
                                                   + CSS.escape(o.group) + '"]')];
        const row = rows[Math.min(o.index, rows.length - 1)];
        const control = row && [...row.querySelectorAll(
          'button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])')]
          .find(shown);
        if (control) return control;
      }
    }
    const fb = fallback && fallback();
    return shown(fb) ? fb : null;
  };
  const giveBack = (o, fallback) => {
    const until = performance.now() + LOOK_MS;
    let placed = null;
    const look = () => {
      if (placed && !placed.isConnected && lost()) placed = null;  // redrawn away: again
      if (!placed) {
        if (!lost()) return;  // the person has moved the focus on
        placed = find(o, fallback);
        placed?.focus();
      } else if (document.activeElement !== placed) return;
      if (performance.now() < until) requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  };
  return {
    remember: (name) => { openers[name] = where(document.activeElement); },
    restore: (name, fallback) => { const o = openers[name]; delete openers[name];
                                   giveBack(o, fallback); },
    watch: (fallback) => {
      const o = where(document.activeElement);
      if (!o) return;
      const until = performance.now() + LOOK_MS;
      const look = () => {
        if (o.el.isConnected && document.activeElement === o.el) {
          if (performance.now() < until) requestAnimationFrame(look);
          return;
        }
        if (!o.el.isConnected && lost()) giveBack(o, fallback);
      };
      requestAnimationFrame(look);
    },
  };
})())""".replace("LOOK_MS", str(LOOK_MS))


def _fallback_js(fallback: str | None) -> str:
    """A JS function returning the element to focus when the opener is gone: a
    CSS selector (the first match), or raw JS after 'js:'."""
    if not fallback:
        return "null"
    if fallback.startswith("js:"):
        return f"(() => ({fallback[3:]}))"
    return f"(() => document.querySelector({json.dumps(fallback)}))"


def dialog_focus_return(name: str, fallback: str | None = None) -> dict:
    """Props for rx.dialog.content of a dialog the state opens (no trigger): the
    control that opened it gets the focus back when it closes (Escape, Cancel or
    submit), or failing it the element `fallback` designates."""
    return {
        "on_open_auto_focus": FunctionStringVar.create(
            f"((e) => {_FOCUS_LIB_JS}.remember({json.dumps(name)}))"),
        "on_close_auto_focus": FunctionStringVar.create(
            f"((e) => {{ e.preventDefault(); "
            f"{_FOCUS_LIB_JS}.restore({json.dumps(name)}, {_fallback_js(fallback)}); }})"),
    }


def menu_focus_return(fallback: str | None = None) -> dict:
    """Props for rx.menu.content whose items may redraw the trigger away (Snooze
    takes the follow-up off Today): Radix gives the focus back to the trigger;
    if the redraw then removes it, the control at its place in the list (or
    `fallback`) gets it instead of <body>."""
    return {"on_close_auto_focus": FunctionStringVar.create(
        f"((e) => setTimeout(() => {_FOCUS_LIB_JS}.watch({_fallback_js(fallback)}), 0))")}
