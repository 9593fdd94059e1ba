"""What keeps the keyboard journeys working, checked on the rendered component
tree (the browser side is tests/e2e/test_keyboard_journeys.py):

- the "Send by email" button is itself the dialog's Radix trigger. Reflex wraps a
  trigger's child that has an on_click in a Flex <div>; Radix would then give the
  focus back to that div on close, i.e. to nothing, as before this test;
- the wizard's tags are removed with a <button>, not an icon with on_click (no
  Tab stop);
- the focus events name the element they look for, quoted."""

from __future__ import annotations

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
