"""The competitor journey: create a battlecard (with an injection attempt in
its Markdown), attach it to a deal, see it on the deal, close the deal as lost
and see the win rate against the competitor change; then the compare table,
also at phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOT_DIR
from tests.e2e.journeys import FIRST_LOAD_MS, PHONE, try_demo, visit

pytestmark = pytest.mark.e2e

STRENGTHS = ("**Huge brand** and a big partner network\n\n"
             "<script>window.__pwned = 1</script> "
             "[innocent](javascript:window.__pwned=2) <img src=x onerror=\"window.__pwned=3\">")


def api_token(page: Page) -> str:
    visit(page, "/settings")
    page.locator("#token-name").fill("e2e")
    page.locator("#token-submit").click()
    expect(page.locator("#new-token")).to_be_visible(timeout=FIRST_LOAD_MS)
    return page.locator("#new-token").inner_text().strip()


def an_open_deal(page: Page, token: str) -> dict:
    response = page.request.get("/api/v1/deals?stage=Qualified&page_size=1",
                                headers={"Authorization": f"Bearer {token}"})
    assert response.ok, response.text()
    return response.json()["items"][0]


def shot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / name), full_page=True)


def test_battlecard_on_a_deal_and_win_rate_after_a_loss(page: Page):
    try_demo(page)
    deal = an_open_deal(page, api_token(page))

    # 1. A new battlecard from the competitors page.
    visit(page, "/competitors")
    page.locator("#new-competitor").click()
    page.locator("#new-competitor-name").fill("Rivalry Inc")
    page.locator("#new-competitor-website").fill("rivalry.example")
    page.locator("#new-competitor-industries").fill("Technology, Retail")
    page.locator("#new-competitor-geography").fill("Europe")
    page.locator("#new-competitor-strengths").fill(STRENGTHS)
    page.locator("#new-competitor-gaps").fill("- Self-serve onboarding\n- Transparent pricing")
    page.locator("#new-competitor-talk_track").fill("Ask: *how long did their rollout take?*")
    page.locator("#create-competitor").click()
    expect(page).to_have_url(re.compile(r".*/competitors/\d+$"), timeout=FIRST_LOAD_MS)
    card = page.locator(".battlecard")
    expect(card).to_contain_text("Rivalry Inc", timeout=FIRST_LOAD_MS)
    expect(card.locator(".battlecard-strengths strong")).to_have_text("Huge brand")
    expect(card.locator(".battlecard-strengths")).to_contain_text("<script>")  # shown as text
    expect(card.locator("script")).to_have_count(0)
    expect(card.locator("img")).to_have_count(0)
    expect(card.locator('a[href^="javascript"]')).to_have_count(0)
    expect(page.locator("#overall-win-rate")).to_have_text("no closed deals (n=0)")
    competitor_url = page.url
    page.locator("#mark-reviewed").click()
    expect(card).to_contain_text("Reviewed ")

    # 2. Attach it to an open deal of the demo pipeline; its battlecard shows there.
    visit(page, f"/deals/{deal['id']}/competitors")
    expect(page.locator("#deal-title")).to_have_text(deal["title"], timeout=FIRST_LOAD_MS)
    expect(page.locator("#deal-stage")).to_have_text("Qualified")
    page.locator("#deal-competitor-select").click()
    page.get_by_role("option", name="Rivalry Inc").click()
    page.locator("#deal-competitor-attach").click()
    deal_card = page.locator("#deal-competitors .battlecard", has_text="Rivalry Inc")
    expect(deal_card).to_be_visible()
    expect(deal_card.locator(".battlecard-win-rate")).to_contain_text("no closed deals (n=0)")
    expect(deal_card).to_contain_text("Self-serve onboarding")

    # 3. Close the deal as lost: the win rate against them becomes 0% with n=1.
    page.locator("#lost-reason").fill("Lost on price")
    page.locator("#lost-reason").blur()
    page.locator("#mark-lost").click()
    expect(page.locator("#deal-stage")).to_have_text("Lost")
    expect(deal_card.locator(".battlecard-win-rate")).to_contain_text("0% (n=1)")
    shot(page, "deal_competitors_desktop.png")
    assert page.evaluate("window.__pwned") is None

    page.goto(competitor_url, wait_until="networkidle")
    expect(page.locator("#overall-win-rate")).to_have_text("0% (n=1)", timeout=FIRST_LOAD_MS)
    expect(page.locator("#tier-table")).to_contain_text("All tiers")
    expect(page.locator("#win-rate-chart .js-plotly-plot")).to_be_visible(timeout=FIRST_LOAD_MS)
    shot(page, "competitor_detail_desktop.png")
    page.set_viewport_size(PHONE)
    shot(page, "competitor_detail_phone.png")
    page.set_viewport_size({"width": 1280, "height": 800})

    # 4. The compare table: us versus this competitor.
    competitor_id = competitor_url.rstrip("/").rsplit("/", 1)[-1]
    visit(page, f"/competitors/compare?ids={competitor_id}")
    table = page.locator("#compare-table")
    expect(table).to_contain_text("Rivalry Inc", timeout=FIRST_LOAD_MS)
    expect(table).to_contain_text("0% (n=1) against them")
    expect(table.locator("script")).to_have_count(0)
    shot(page, "competitor_compare_desktop.png")
    page.set_viewport_size(PHONE)
    shot(page, "competitor_compare_phone.png")
    page.set_viewport_size({"width": 1280, "height": 800})

    visit(page, "/competitors")
    expect(page.locator(".competitor-row", has_text="Rivalry Inc")
           .locator(".competitor-win-rate")).to_have_text("0% (n=1)")
    assert page.evaluate("window.__pwned") is None
