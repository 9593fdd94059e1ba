"""What keeps the keyboard journeys working, checked on the rendered component
tree (the browser side is tests/e2e/test_keyboard_journeys.py):

- the "Send by email" button is itself the dialog's Radix trigger. Reflex wraps a
  trigger's child that has an on_click in a Flex <div>; Radix would then give the
  focus back to that div on close, i.e. to nothing, as before this test;
- the wizard's tags are removed with a <button>, not an icon with on_click (no
  Tab stop);
- the focus events name the element they look for, quoted."""

from __future__ import annotations

import reflex as rx

from updoot_app.components.focus import focus_if_lost, focus_when_drawn
from updoot_app.components.mail_dialog import send_email_dialog
from updoot_app.pages.profile_wizard import tag_input
from updoot_app.state.mail.document_mail_state import DocumentMailState


def _nodes(tree: dict):
    yield tree
    for child in tree.get("children", []):
        yield from _nodes(child)
    for key in ("true_value", "false_value"):
        if isinstance(tree.get(key), dict):
            yield from _nodes(tree[key])


def test_the_send_by_email_button_is_the_dialogs_trigger():
    tree = send_email_dialog(DocumentMailState, "quote", True).render()
    (trigger,) = [n for n in _nodes(tree) if n.get("name") == "RadixThemesDialog.Trigger"]
    (child,) = trigger["children"]
    assert child["name"] == "RadixThemesButton", child["name"]
    assert 'id:"email-quote"' in child["props"]
    assert not any(p.startswith("onClick") for p in child["props"])


def test_a_tag_is_removed_with_a_button():
    tree = tag_input("industries", "Industries", "e.g. Technology").render()
    buttons = [n for n in _nodes(tree) if n.get("name") == '"button"'
               and 'className:"tag-remove"' in n.get("props", [])]
    assert len(buttons) == 1
    props = buttons[0]["props"]
    assert any(p.startswith('"aria-label":("Remove "') for p in props), props
    assert 'type:"button"' in props and any(p.startswith("onClick") for p in props)


def test_the_focus_events_name_their_element():
    spec = focus_when_drawn("wizard-step-title")
    code = str(dict((k._js_expr, v) for k, v in spec.args)["javascript_code"])
    assert 'getElementById(id)' in code and '\\"wizard-step-title\\"' in code
    spec = focus_if_lost("payments-heading")
    code = str(dict((k._js_expr, v) for k, v in spec.args)["javascript_code"])
    assert "document.body" in code and '\\"payments-heading\\"' in code


def _content_props(tree: dict, name: str) -> list[str]:
    (content,) = [n for n in _nodes(tree) if n.get("name") == name]
    return content["props"]


def test_dialogs_opened_from_state_give_the_focus_back():
    """Without a trigger, Radix's modal dialog focuses nothing on close: each
    of these remembers its opener on open and gives the focus back on close
    (default prevented, or Radix would focus its missing trigger)."""
    from updoot_app.components.follow_ups import done_dialog, follow_up_dialog
    from updoot_app.components.signals import signal_dialog
    from updoot_app.pages.pipeline import lost_dialog
    from updoot_app.pages.today import log_dialog
    from updoot_app.state.crm.pipeline_state import PipelineState
    from updoot_app.state.crm.record_follow_ups_state import CompanyFollowUpsState
    from updoot_app.state.crm.today_state import TodayState

    dialogs = {"follow-up": follow_up_dialog(PipelineState), "done": done_dialog(TodayState),
               "signal": signal_dialog(CompanyFollowUpsState), "lost": lost_dialog(),
               "log": log_dialog()}
    for name, dialog in dialogs.items():
        props = _content_props(dialog.render(), "RadixThemesDialog.Content")
        opened = [p for p in props if p.startswith("onOpenAutoFocus:")]
        closed = [p for p in props if p.startswith("onCloseAutoFocus:")]
        assert len(opened) == len(closed) == 1, (name, props)
        assert f'.remember("{name}")' in opened[0], name
        assert "e.preventDefault()" in closed[0] and f'.restore("{name}",' in closed[0], name


def test_the_snooze_menu_watches_its_trigger():
    from updoot_app.components.follow_ups import snooze_menu
    from updoot_app.state.crm.today_state import TodayState

    props = _content_props(snooze_menu(TodayState, "7").render(), "RadixThemesDropdownMenu.Content")
    (closed,) = [p for p in props if p.startswith("onCloseAutoFocus:")]
    assert ".watch(" in closed and "preventDefault" not in closed


def test_removing_a_line_moves_the_focus_to_the_next_line():
    from updoot_app.components.billing import editable_line
    from updoot_app.state.billing.quotes_state import QuoteEditorState as QuoteState

    line = {k: rx.Var.create(v) for k, v in (("index", "1"), ("number", "2"), ("key", "k"),
                                            ("description", "d"), ("quantity", "1"),
                                            ("unit_price", "1"), ("discount_pct", "0"),
                                            ("tax_rate", "0"), ("tax_reason", ""),
                                            ("net_text", ""), ("tax_text", ""))}
    rendered = str(editable_line(QuoteState, line).render())
    assert "remove_line" in rendered
    start = rendered.index("remove_line")
    chained = rendered[start:rendered.index("}]", start)]
    assert "_call_script" in chained and "add-line" in chained and "-description" in chained
