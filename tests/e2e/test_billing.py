"""The billing journey: a new quote with live totals, sent; the client opens
the public link in another browser (on a phone) and accepts with a typed
name; the quote becomes an invoice, is finalised with its number, takes a
partial payment and shows the balance."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOT_DIR
from tests.e2e.journeys import FIRST_LOAD_MS, PHONE, sign_up, visit

pytestmark = pytest.mark.e2e

LINES = [
    {"description": "Seats", "quantity": "3", "unit_price": "19.99", "discount_pct": "10",
     "tax_rate": "20"},
    {"description": "Setup", "quantity": "1", "unit_price": "2.675", "discount_pct": "0",
     "tax_rate": "0"},
    {"description": "Support hours", "quantity": "0.5", "unit_price": "10.01",
     "discount_pct": "0", "tax_rate": "20"},
]


def shot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"billing_{name}.png"), full_page=True)


def set_field(page: Page, selector: str, value: str) -> None:
    box = page.locator(selector)
    box.fill(value)
    box.press("Tab")
    expect(box).to_have_value(value)


def test_quote_to_public_accept_to_invoice_with_partial_payment(new_page):
    page = new_page()
    sign_up(page, email=f"billing-{uuid.uuid4().hex[:8]}@example.com", workspace="Billing Co")
    visit(page, "/quotes")
    page.locator("#new-quote").click()
    expect(page).to_have_url(re.compile(r".*/quotes/\d+$"), timeout=FIRST_LOAD_MS)
    year = date.today().year
    expect(page.get_by_text(f"Quote Q-{year}-0001")).to_be_visible(timeout=FIRST_LOAD_MS)
    for i, line in enumerate(LINES):
        page.locator("#add-line").click()
        expect(page.locator(f"#line-{i}-description")).to_be_visible()
        for key, value in line.items():
            set_field(page, f"#line-{i}-{key}", value)
    # live totals, from the same service as the PDF and the API
    expect(page.locator("#total")).to_have_text("$73.45")
    expect(page.locator("#tax-total")).to_have_text("$11.79")
    expect(page.locator("#discounts")).to_have_text("−$6.00")
    # absurd input is refused and the total does not move
    page.locator("#line-0-quantity").fill("1e308")
    page.locator("#line-0-quantity").press("Tab")
    expect(page.get_by_text("Quantity is too large")).to_be_visible()
    expect(page.locator("#total")).to_have_text("$73.45")
    expect(page.locator("#line-0-quantity")).to_have_value("3")
    shot(page, "quote_editor")

    page.locator("#send-quote").click()
    link = page.locator("#public-link")
    expect(link).to_contain_text("/q/q_")
    public_url = link.inner_text().strip()
    shot(page, "quote_sent")

    client = new_page(PHONE)  # another person, no session, on a phone
    visit(client, public_url)
    expect(client.get_by_text(f"Quote Q-{year}-0001")).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(client.locator("#total")).to_have_text("$73.45")
    shot(client, "public_quote_phone")
    client.locator("#accept-name").fill("Jane Client")
    client.locator("#accept-quote").click()
    expect(client.locator("#accepted-note")).to_contain_text("Jane Client")
    assert client.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    visit(page, page.url)
    expect(page.get_by_text("Accepted by Jane Client.")).to_be_visible(timeout=FIRST_LOAD_MS)
    page.locator("#convert-quote").click()
    expect(page).to_have_url(re.compile(r".*/invoices/\d+$"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#total")).to_have_text("$73.45", timeout=FIRST_LOAD_MS)
    page.locator("#send-invoice").click()
    expect(page.get_by_role("heading", name=f"INV-{year}-0001")).to_be_visible()
    page.locator("#payment-amount").fill("20.00")
    page.locator("#payment-ref").fill("Bank ref 42")
    page.locator("#record-payment").click()
    expect(page.locator("#balance")).to_have_text("$53.45")
    expect(page.locator("#paid")).to_have_text("$20.00")
    expect(page.get_by_text("Partially paid").first).to_be_visible()
    shot(page, "invoice_desktop")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "invoice_phone")

    visit(page, "/invoices")
    expect(page.locator(".invoice-row")).to_have_count(1, timeout=FIRST_LOAD_MS)
    expect(page.locator(".invoice-row")).to_contain_text("$53.45")
