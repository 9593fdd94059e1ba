"""The pipeline journey: drag a deal across columns and see both columns'
counts and totals change; move a deal to Lost through the menu and be asked
why; open a deal and log a call."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.journeys import FIRST_LOAD_MS, PHONE, try_demo, visit

pytestmark = pytest.mark.e2e


def column(page: Page, stage: str):
    return page.locator(f'.kanban-column[data-stage="{stage}"]')


def count_of(page: Page, stage: str) -> int:
    return int(column(page, stage).locator(".col-count").first.inner_text())


def open_pipeline(page: Page) -> None:
    visit(page, "/pipeline")
    expect(column(page, "New").locator(".deal-card").first).to_be_visible(
        timeout=FIRST_LOAD_MS)


def test_drag_a_deal_across_columns_changes_both_totals(page: Page):
    try_demo(page)
    open_pipeline(page)
    new_count, contacted_count = count_of(page, "New"), count_of(page, "Contacted")
    new_total = column(page, "New").locator(".col-total").inner_text()
    contacted_total = column(page, "Contacted").locator(".col-total").inner_text()
    card = column(page, "New").locator(".deal-card").first
    deal_id = card.get_attribute("data-deal")
    # Drop near the top of the column: aiming at its centre would scroll the page
    # in the middle of the drag (the column is tall) and start it on another card.
    card.drag_to(column(page, "Contacted"), source_position={"x": 40, "y": 12},
                 target_position={"x": 60, "y": 20})
    expect(column(page, "New").locator(".col-count")).to_have_text(str(new_count - 1))
    expect(column(page, "Contacted").locator(".col-count")).to_have_text(
        str(contacted_count + 1))
    expect(column(page, "New").locator(".col-total")).not_to_have_text(new_total)
    expect(column(page, "Contacted").locator(".col-total")).not_to_have_text(contacted_total)
    expect(column(page, "Contacted").locator(f'.deal-card[data-deal="{deal_id}"]')) \
        .to_be_visible()
    # The move is stored: a reload shows the same counts.
    open_pipeline(page)
    expect(column(page, "Contacted").locator(".col-count")).to_have_text(
        str(contacted_count + 1))


def test_moving_to_lost_through_the_menu_asks_for_a_reason(page: Page):
    try_demo(page)
    open_pipeline(page)
    lost_count = count_of(page, "Lost")
    card = column(page, "Qualified").locator(".deal-card").first
    deal_id = card.get_attribute("data-deal")
    title = card.locator(".deal-link").inner_text()
    card.locator(".move-button").click()
    menu = page.locator("#move-menu")
    expect(menu).to_be_visible()
    expect(menu.locator("#move-menu-title")).to_have_text(title)
    expect(menu.locator('.move-option[data-stage="Qualified"]')).to_be_disabled()
    menu.locator('.move-option[data-stage="Lost"]').click()
    expect(page.get_by_role("dialog")).to_contain_text("Why was it lost?")
    page.locator("#confirm-lost").click()  # no reason: refused, still asking
    expect(page.get_by_role("dialog")).to_contain_text("Say why this deal was lost")
    expect(column(page, "Lost").locator(".col-count")).to_have_text(str(lost_count))
    page.locator("#lost-reason").fill("Chose a competitor")
    page.locator("#confirm-lost").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(column(page, "Lost").locator(".col-count")).to_have_text(str(lost_count + 1))
    expect(column(page, "Lost").locator(f'.deal-card[data-deal="{deal_id}"]')).to_be_visible()
    # The deal page shows the reason and the close date.
    visit(page, f"/deals/{deal_id}")
    expect(page.locator("#lost-reason-shown")).to_contain_text("Chose a competitor",
                                                               timeout=FIRST_LOAD_MS)
    expect(page.locator("#deal-closed")).to_have_text(re.compile(r"\d{4}-\d\d-\d\d"))


def test_moving_with_the_keyboard_only(page: Page):
    """Tab to a card's Move button, open the menu with Enter, Tab to a stage and
    press Enter: the deal moves; Escape closes the menu without moving anything."""
    try_demo(page)
    open_pipeline(page)
    new_count, proposal_count = count_of(page, "New"), count_of(page, "Proposal")
    card = column(page, "New").locator(".deal-card").first
    deal_id = card.get_attribute("data-deal")
    button = card.locator(".move-button")
    button.focus()
    page.keyboard.press("Enter")
    menu = page.locator("#move-menu")
    expect(menu).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(column(page, "New").locator(".col-count")).to_have_text(str(new_count))
    button.focus()
    page.keyboard.press("Enter")
    expect(menu.locator("#move-menu-title")).to_have_text(card.locator(".deal-link").inner_text())
    # The menu follows its button in the tab order: New (disabled), Contacted,
    # Qualified, Proposal.
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(menu.locator('.move-option[data-stage="Proposal"]')).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu).to_be_hidden()
    expect(column(page, "Proposal").locator(".col-count")).to_have_text(str(proposal_count + 1))
    expect(column(page, "Proposal").locator(f'.deal-card[data-deal="{deal_id}"]')).to_be_visible()


def test_log_a_call_on_a_deal(page: Page):
    try_demo(page)
    open_pipeline(page)
    column(page, "Proposal").locator(".deal-link").first.click()
    expect(page).to_have_url(re.compile(r".*/deals/\d+$"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#coverage-mark")).to_contain_text("/4", timeout=FIRST_LOAD_MS)
    page.locator("#log-summary").fill("Walked the CFO through pricing")
    page.locator("#log-outcome").fill("Sending a quote")
    page.locator("#log-submit").click()
    row = page.locator(".log-row", has_text="Walked the CFO through pricing")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Call")
    expect(row).to_contain_text("Sending a quote")
    # Add someone to the buying committee from the company's contacts (the demo
    # puts some of them on its deals already).
    if page.locator("#add-contact").count():
        before = page.locator(".committee-member").count()
        page.locator("#add-contact").click()
        page.get_by_role("option").first.click()
        expect(page.locator(".committee-member")).to_have_count(before + 1)


def test_list_view_and_phone_board(new_page):
    page = new_page()
    try_demo(page)
    open_pipeline(page)
    page.get_by_role("radio", name="List").click()
    expect(page.locator(".list-row")).to_have_count(25)
    expect(page.locator("#list-paging")).to_contain_text("Page 1 of")
    phone = new_page(PHONE)
    try_demo(phone)
    open_pipeline(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"page scrolls sideways: {width}px"
