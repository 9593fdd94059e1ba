"""The form helpers tie each label to its control in the rendered component
tree (the browser side is tests/e2e/test_form_labels.py). `rx.text(as_="label",
html_for=...)` once rendered `css={htmlFor: ...}` and no attribute at all."""

from __future__ import annotations

import reflex as rx

from updoot_app.components.forms import field, hidden_label, label, labelled_by, select


def _nodes(tree: dict):
    yield tree
    for child in tree.get("children", []):
        yield from _nodes(child)


def _props(component: rx.Component) -> list[list[str]]:
    return [node.get("props", []) for node in _nodes(component.render())]


def test_label_renders_html_for_and_an_id_for_aria_labelledby():
    props = _props(label("Email", "email"))[0]
    assert 'htmlFor:"email"' in props
    assert 'id:"email-label"' in props
    assert not any("css" in p and "htmlFor" in p for p in props)


def test_hidden_label_is_a_real_label_for_its_control():
    props = _props(hidden_label("Token name", "token-name"))[0]
    assert 'htmlFor:"token-name"' in props and 'id:"token-name-label"' in props


def test_field_label_points_at_the_input_id():
    props = _props(field("Name", "name", id="workspace-name"))
    assert any('htmlFor:"workspace-name"' in p for p in props)
    assert any('id:"workspace-name"' in p and 'name:"name"' in p for p in props)


def test_select_names_its_trigger_not_the_root():
    tree = select(["a", "b"], id="workspace-currency", value="a").render()
    trigger = next(n for n in _nodes(tree) if n.get("name") == "RadixThemesSelect.Trigger")
    assert '"aria-labelledby":"workspace-currency-label"' in trigger["props"]
    assert labelled_by("workspace-currency") == "workspace-currency-label"
    tree = select(["a"], id="role-1", aria_label="Role of x").render()
    trigger = next(n for n in _nodes(tree) if n.get("name") == "RadixThemesSelect.Trigger")
    assert '"aria-label":"Role of x"' in trigger["props"]
