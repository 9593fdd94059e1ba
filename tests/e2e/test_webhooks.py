"""The webhooks journey: add a webhook to a receiver on loopback in Settings →
Integrations, move a deal to Won on the board, and the receiver gets exactly one
signed `deal.won` delivery that it verifies; the delivery log shows its 200."""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.journeys import FIRST_LOAD_MS, try_demo, visit
from tests.e2e.test_pipeline import column, open_pipeline
from tests.webhook_receiver import start_receiver, verify

pytestmark = pytest.mark.e2e


@pytest.fixture
def receiver():
    r = start_receiver()
    yield r
    r.stop()


def test_a_won_deal_reaches_the_receiver_signed_once(page: Page, receiver):
    try_demo(page)
    visit(page, "/settings/integrations")
    page.locator("#webhook-url").fill(receiver.url)
    page.locator("#ev-deal-won").check()
    page.locator("#add-webhook").click()
    secret_box = page.locator("#webhook-secret")
    expect(secret_box).to_contain_text("whsec_", timeout=FIRST_LOAD_MS)
    secret = secret_box.inner_text().strip()
    expect(page.locator(".webhook-row")).to_have_count(1)
    expect(page.locator(".webhook-row")).to_contain_text("Deal won")

    open_pipeline(page)
    won_count = int(column(page, "Won").locator(".col-count").first.inner_text())
    card = column(page, "Qualified").locator(".deal-card").first
    deal_id = int(card.get_attribute("data-deal"))
    card.locator(".move-button").click()
    page.locator('#move-menu .move-option[data-stage="Won"]').click()
    expect(column(page, "Won").locator(".col-count")).to_have_text(str(won_count + 1))

    [got] = receiver.wait_for(1, timeout_s=30)
    assert verify(secret, got.headers, got.body)
    body = json.loads(got.body)
    assert body["type"] == "deal.won" and body["data"]["id"] == deal_id
    assert body["id"] == got.headers["webhook-id"]
    time.sleep(2)                                   # and no second delivery follows
    assert len(receiver.received) == 1

    visit(page, "/settings/integrations")
    page.locator(".webhook-row").get_by_role("button", name="Delivery log of").click()
    row = page.locator(".delivery-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("deal.won")
    expect(row.locator(".delivery-code")).to_have_text("200")
