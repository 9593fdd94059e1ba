"""Radix's spacing scale is drawn: rx.flex(gap="2") was the CSS `gap: 2` (no
unit: dropped by the browser, no space at all); spacing="2" is 8 px (issue 18).
Measured between two controls of a row on the settings page, the gap between
the demo deal page's buying-role chips, and screenshots of the settings,
dashboard and deal pages (tests/e2e/screenshots/spacing_*.png) to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOT_DIR
from tests.e2e.journeys import FIRST_LOAD_MS, try_demo, visit

pytestmark = pytest.mark.e2e

SPACE_2_PX = 8   # Radix Themes --space-2 at 100 % scaling


def _shot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOT_DIR / f"spacing_{name}.png"), full_page=True)


def _flex_gap(page: Page, selector: str) -> str:
    """The computed column gap of the flex row that holds `selector`."""
    return page.locator(selector).first.evaluate(
        "el => getComputedStyle(el.closest('.rt-Flex')).columnGap")


def test_flex_rows_are_spaced_on_the_radix_scale(page: Page):
    try_demo(page)
    visit(page, "/settings")
    email = page.locator("#invite-email")
    expect(email).to_be_visible(timeout=FIRST_LOAD_MS)
    _shot(page, "settings")
    gap = _flex_gap(page, "#invite-email")
    # Drawn: the role select starts 8 px after the email field's box ends.
    field = page.locator(".rt-TextFieldRoot", has=email).bounding_box()
    role = page.locator("#invite-role").bounding_box()
    drawn = role["x"] - (field["x"] + field["width"])

    visit(page, "/dashboard")
    expect(page.locator("#stat-companies")).to_have_text("120", timeout=FIRST_LOAD_MS)
    _shot(page, "dashboard")

    visit(page, "/pipeline")
    link = page.locator('.kanban-column[data-stage="Qualified"] .deal-link').first
    expect(link).to_be_visible(timeout=FIRST_LOAD_MS)
    deal = link.locator("xpath=ancestor::*[@data-deal][1]").get_attribute("data-deal")
    visit(page, f"/deals/{deal}")
    expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(page.locator("#follow-ups")).to_be_visible(timeout=FIRST_LOAD_MS)
    _shot(page, "deal")

    assert gap == f"{SPACE_2_PX}px"
    assert drawn == pytest.approx(SPACE_2_PX, abs=0.5)
