"""The billing journey: the owner sets the billing settings (a bad prefix is
refused with a message) and uploads a logo (a fake image is refused); a new
quote for a company, addressed to one of its contacts, with live totals; its
PDF carries the logo and "Attn: <contact>"; sent; the client opens the public
link in another browser (on a phone) and accepts with a typed name; the quote
becomes an invoice, is finalised with its number, takes a partial payment and
shows the balance; both lists export CSV."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import SCREENSHOT_DIR, SERVER_INFO
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


def add_clients() -> None:
    """Into the newest workspace (the one just signed up): two companies, each
    with a contact (as if typed in on the companies pages)."""
    from sqlalchemy import func
    from sqlmodel import Session, create_engine, select

    from updoot_app.models import Company, Contact, Workspace

    engine = create_engine(SERVER_INFO["database_url"])
    with Session(engine) as s:
        ws = s.exec(select(func.max(Workspace.id))).one()
        for name, first, last, title in (("Acme Corp", "Jane", "Buyer", "CFO"),
                                         ("Globex", "Hank", "Scorpio", "")):
            company = Company(workspace_id=ws, name=name)
            s.add(company)
            s.flush()
            s.add(Contact(workspace_id=ws, company_id=company.id, first_name=first,
                          last_name=last, title=title))
        s.commit()
    engine.dispose()


def pick(page: Page, trigger: str, option: str) -> None:
    page.locator(trigger).click()
    page.get_by_role("option", name=option).click()


def download(page: Page, button: str, tmp_path: Path) -> bytes:
    with page.expect_download() as info:
        page.locator(button).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def billing_settings(page: Page, tmp_path: Path, year: int) -> None:
    visit(page, "/settings")
    billing = page.locator("#billing")
    prefix = billing.locator('input[name="quote_prefix"]')
    expect(prefix).to_have_value("Q", timeout=FIRST_LOAD_MS)
    prefix.fill("Q 1")
    page.locator("#save-billing").click()
    expect(billing.get_by_text("A prefix uses letters, digits")).to_be_visible()
    prefix.fill("OFR")
    billing.locator('input[name="payment_terms_days"]').fill("14")
    page.locator("#save-billing").click()
    expect(page.get_by_text("Billing settings saved.")).to_be_visible()
    expect(page.locator("#number-example")).to_contain_text(f"OFR-{year}-0001")
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    page.locator("#billing-logo input[type=file]").set_input_files(str(fake))
    expect(billing.get_by_text("The logo must be a PNG or JPEG image.")).to_be_visible()
    expect(page.locator("#no-logo")).to_be_visible()
    logo = tmp_path / "real-logo.png"
    Image.new("RGB", (600, 200), (20, 90, 200)).save(logo)
    page.locator("#billing-logo input[type=file]").set_input_files(str(logo))
    expect(page.locator("#logo-preview")).to_be_visible()
    shot(page, "settings_billing")


def test_quote_to_public_accept_to_invoice_with_partial_payment(new_page, tmp_path):
    page = new_page()
    sign_up(page, email=f"billing-{uuid.uuid4().hex[:8]}@example.com", workspace="Billing Co")
    add_clients()
    year = date.today().year
    billing_settings(page, tmp_path, year)
    visit(page, "/quotes")
    page.locator("#new-quote").click()
    expect(page).to_have_url(re.compile(r".*/quotes/\d+$"), timeout=FIRST_LOAD_MS)
    expect(page.get_by_text(f"Quote OFR-{year}-0001")).to_be_visible(timeout=FIRST_LOAD_MS)
    # address it: a company, then one of that company's contacts
    expect(page.locator("#field-contact_id")).to_be_disabled()
    pick(page, "#field-company_id", "Acme Corp")
    page.locator("#field-contact_id").click()
    expect(page.get_by_role("option", name="Hank Scorpio")).to_have_count(0)
    page.get_by_role("option", name="Jane Buyer · CFO").click()
    expect(page.locator("#field-contact_id")).to_contain_text("Jane Buyer")
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
    quote_pdf = PdfReader(io.BytesIO(download(page, "#quote-pdf", tmp_path)))
    assert "Attn: Jane Buyer" in quote_pdf.pages[0].extract_text()
    assert len(quote_pdf.pages[0].images) == 1  # the logo

    page.locator("#send-quote").click()
    link = page.locator("#public-link")
    expect(link).to_contain_text("/q/q_")
    public_url = link.inner_text().strip()
    shot(page, "quote_sent")

    client = new_page(PHONE)  # another person, no session, on a phone
    visit(client, public_url)
    expect(client.get_by_text(f"Quote OFR-{year}-0001")).to_be_visible(timeout=FIRST_LOAD_MS)
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
    page.set_viewport_size({"width": 1280, "height": 800})
    rows = csv_rows(download(page, "#export-invoices", tmp_path))
    assert [(r["number"], r["status"], r["company"], r["contact"], r["total"], r["paid"],
             r["balance"]) for r in rows] == [(f"INV-{year}-0001", "partially_paid",
                                               "Acme Corp", "Jane Buyer", "73.45", "20.00",
                                               "53.45")]
    visit(page, "/quotes")
    expect(page.locator(".quote-row")).to_have_count(1, timeout=FIRST_LOAD_MS)
    rows = csv_rows(download(page, "#export-quotes", tmp_path))
    assert [(r["number"], r["status"], r["total"]) for r in rows] == [
        (f"OFR-{year}-0001", "converted", "73.45")]
