"""The Profile Builder journey: the wizard from the template to a saved ICP
with personas, then fit badges on the companies list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.journeys import FIRST_LOAD_MS, try_demo, visit

pytestmark = pytest.mark.e2e


def add_persona(page: Page, name: str, title: str, role_label: str) -> None:
    page.locator("#add-persona").click()
    page.locator("#persona-name").fill(name)
    page.locator("#persona-role_title").fill(title)
    page.locator("#persona-buying_role").click()
    page.get_by_role("option", name=role_label).click()
    page.locator("#persona-goals").fill("Pass the next audit\nCut alert noise")
    page.locator("#persona-objections").fill("No time for another tool")
    page.locator("#save-persona").click()
    expect(page.locator(".persona-card", has_text=name)).to_be_visible(timeout=10_000)


def test_wizard_from_template_to_saved_icp_with_personas(page: Page):
    try_demo(page)
    visit(page, "/profiles")
    page.locator("#new-icp").click()
    expect(page.locator("#wizard-step")).to_contain_text("Start", timeout=FIRST_LOAD_MS)
    page.locator("#use-template").click()
    expect(page.locator("#running-sum")).to_contain_text("100 / 100")
    expect(page.locator("#preview-counts")).to_contain_text("A:")
    # Walk every step with Next; the preview and sum stay in view.
    for step in ("Industries", "Company size", "Geography", "Signals", "Disqualifiers",
                 "Weights & save"):
        page.locator("#wizard-next").click()
        expect(page.locator("#wizard-step")).to_contain_text(step)
    # Unbalance the weights: saving is blocked until they add up again.
    page.locator('input[aria-label="Weight of Industries"]').fill("50")
    page.locator('input[aria-label="Weight of Industries"]').blur()
    expect(page.locator("#weight-total")).to_have_text("115")
    expect(page.locator("#save-icp")).to_be_disabled()
    page.locator("#rebalance").click()
    expect(page.locator("#weight-total")).to_have_text("100")
    page.locator("#save-icp").click()
    expect(page).to_have_url(re.compile(r".*/profiles/\d+$"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#rescore-message")).to_contain_text("All companies re-scored",
                                                             timeout=FIRST_LOAD_MS)
    expect(page.locator("#icp-version")).to_contain_text("version 1")
    expect(page.locator("#persona-warnings")).to_contain_text("0 personas")
    add_persona(page, "Security Sarah", "IT Director", "Economic buyer")
    add_persona(page, "Compliance Carl", "Compliance Officer", "Champion")
    add_persona(page, "Dev Dana", "DevOps Lead", "Technical evaluator")
    expect(page.locator("#persona-warnings")).to_have_count(0)
    expect(page.locator(".persona-card")).to_have_count(3)
