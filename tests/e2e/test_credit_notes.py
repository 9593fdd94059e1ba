"""The accountant's journey: the seller's tax ID is set, an invoice is created and sent, one line is
credited from the "Credit" dialog, the credit note's PDF names the invoice and
carries the tax summary (and its Factur-X XML), the invoice shows the lower
balance, and the journal export lists both with the same figures."""

from __future__ import annotations

import io
import re
import uuid
from datetime import date
from pathlib import Path

import pytest
from facturx import get_facturx_xml_from_pdf
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.a11y import audit as axe_audit
from tests.e2e.a11y import describe
from tests.e2e.journeys import FIRST_LOAD_MS, sign_up, visit
from tests.e2e.test_billing import LINES, add_clients, csv_rows, download, pick, set_field, shot
from tests.e2e.test_form_labels import audit as label_audit

pytestmark = pytest.mark.e2e


def accessible(page: Page, where: str) -> None:
    """Every control named by a real label, and no serious axe violation (once the
    last message toast is gone: it is not part of the page under test)."""
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=15000)
    assert label_audit(page, where) == []
    found = axe_audit(page)
    assert not found, describe(where, found)


def test_credit_one_line_then_journal(new_page, tmp_path: Path):
    page: Page = new_page()
    sign_up(page, email=f"credit-{uuid.uuid4().hex[:8]}@example.com", workspace="Credit Co")
    add_clients()
    year, today = date.today().year, date.today().isoformat()
    visit(page, "/settings")  # the seller's tax ID, printed on every document
    tax_id = page.locator("#billing").get_by_label("Tax ID (VAT/GST number)")
    expect(tax_id).to_be_visible(timeout=FIRST_LOAD_MS)
    tax_id.fill("de 123 456 789")
    page.locator("#save-billing").click()
    expect(page.get_by_text("Billing settings saved.")).to_be_visible()
    expect(tax_id).to_have_value("DE123456789")
    accessible(page, "settings")
    visit(page, "/invoices")
    page.locator("#new-invoice").click()
    expect(page).to_have_url(re.compile(r".*/invoices/\d+$"), timeout=FIRST_LOAD_MS)
    pick(page, "#field-company_id", "Acme Corp")
    for i, line in enumerate(LINES):
        page.locator("#add-line").click()
        expect(page.locator(f"#line-{i}-description")).to_be_visible()
        for key, value in line.items():
            set_field(page, f"#line-{i}-{key}", value)
    expect(page.locator("#total")).to_have_text("$73.45")
    accessible(page, "invoice draft")
    page.locator("#send-invoice").click()
    number = f"INV-{year}-0001"
    expect(page.get_by_role("heading", name=number)).to_be_visible()

    # credit one seat of the first line
    page.locator("#credit-invoice").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Seats (3 of 3 left)")).to_be_visible()
    accessible(page, "credit dialog")
    dialog.get_by_label("Seats (3 of 3 left)").fill("4")
    dialog.locator("#credit-reason").fill("One seat returned")
    dialog.locator("#confirm-credit").click()
    expect(dialog.get_by_text("only 3 of 3 is left to credit")).to_be_visible()
    dialog.locator("#credit-qty-1").fill("1")
    dialog.locator("#confirm-credit").click()
    expect(page.get_by_text(f"Credit note CN-{year}-0001 issued.")).to_be_visible()
    expect(page.locator("#credited")).to_have_text("−$21.59")
    expect(page.locator("#balance")).to_have_text("$51.86")
    notes = page.locator("#credit-notes")
    expect(notes).to_contain_text(f"CN-{year}-0001")
    expect(notes).to_contain_text("$21.59")
    shot(page, "credit_note_on_invoice")

    pdf = download(page, '[id^="credit-note-pdf-"]', tmp_path)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in (f"CREDIT NOTE CN-{year}-0001", number, "Tax summary", "$17.99", "$3.60",
                     "$21.59", "One seat returned", "Tax ID DE123456789"):
        assert expected in text, expected
    _, xml = get_facturx_xml_from_pdf(io.BytesIO(pdf), check_xsd=True)
    assert b"<ram:GrandTotalAmount>21.59</ram:GrandTotalAmount>" in xml
    (tmp_path / "credit-note.pdf").write_bytes(pdf)
    xml = download(page, "#invoice-xml", tmp_path)  # the invoice's e-invoice alone
    assert b"<ram:DuePayableAmount>51.86</ram:DuePayableAmount>" in xml

    # the journal lists both with the same figures
    visit(page, "/invoices")
    expect(page.locator(".invoice-row")).to_contain_text("$51.86", timeout=FIRST_LOAD_MS)
    accessible(page, "invoices")
    page.locator("#journal-from").fill(today)
    page.locator("#journal-to").fill(today)
    rows = csv_rows(download(page, "#export-journal", tmp_path))
    assert [(r["type"], r["number"], r["reference"], r["customer"], r["net"], r["tax_rate"],
             r["tax"], r["gross"]) for r in rows] == [
        ("invoice", number, "", "Acme Corp", "2.68", "0", "0.00", "2.68"),
        ("invoice", number, "", "Acme Corp", "58.98", "20", "11.79", "70.77"),
        ("credit_note", f"CN-{year}-0001", number, "Acme Corp", "17.99", "20", "3.60",
         "21.59"),
    ]
