"""No component of the app is spaced with a unitless gap (issue 18).

`rx.flex(..., gap="2")` does not take Radix's scale: it renders the CSS
`gap: 2`, which a browser drops, so the items touch. Every page registered in
the app is rendered and its tree scanned for a gap, row gap or column gap
whose value is a bare number other than 0 (`spacing="2"` renders Radix's
`gap` prop instead, `gap="var(--space-2)"` or `gap="8px"` a real length)."""

from __future__ import annotations

import re

import pytest
import reflex as rx

UNITLESS_GAP = re.compile(
    r'\["?(?:gap|rowGap|columnGap|row-gap|column-gap)"?\]\s*:\s*"?(?!0(?:\.0+)?"?\s*[,})])'
    r'(\d+(?:\.\d+)?)"?\s*[,})]')


def unitless_gaps(component: rx.Component) -> list[str]:
    """The style entries of the rendered tree that set a gap to a bare number."""
    rendered = str(component.render())
    return [m.group(0) for m in UNITLESS_GAP.finditer(rendered)]


def _pages():
    from updoot_app.updoot_app import app

    pages = app._unevaluated_pages
    assert len(pages) > 20, "the app's pages were not found"
    return sorted(pages.items())


@pytest.mark.parametrize(("route", "page"), _pages(), ids=lambda v: v if isinstance(v, str)
                         else "")
def test_no_page_renders_a_unitless_gap(route, page):
    component = page.component() if callable(page.component) else page.component
    found = unitless_gaps(component)
    assert not found, f"{route} renders a gap without a unit (use spacing=): {found}"


def test_the_scan_finds_a_planted_unitless_gap():
    assert unitless_gaps(rx.box(rx.flex(rx.text("a"), gap="2")))
    assert unitless_gaps(rx.el.div(style={"row_gap": 3}))
    assert not unitless_gaps(rx.flex(rx.text("a"), spacing="2"))
    assert not unitless_gaps(rx.flex(rx.text("a"), gap="var(--space-2)"))
    assert not unitless_gaps(rx.flex(rx.text("a"), gap="0.5rem"))
    assert not unitless_gaps(rx.flex(rx.text("a"), gap="0"))
