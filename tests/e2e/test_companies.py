"""Companies journeys: fit badges with their explanation on the list and the company
page, add to pipeline; CSV import through upload -> mapping -> preview -> validate ->
import, with the error report naming the bad row."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOT_DIR
from tests.e2e.journeys import FIRST_LOAD_MS, PHONE, try_demo, visit

pytestmark = pytest.mark.e2e

CSV = ("Firma;Website;Branche;Mitarbeiter;Umsatz;Land;Tags\r\n"
       "Zebra Sécurité SA;zebra-secu.fr;Technology;1.200;12.345.678,90;FR;import\r\n"
       "Yak Finance;yakfinance.io;Financial Services;800;;US;import\r\n"
       "\r\n"
       "Broken Row Ltd;not a domain;Retail;12;;GB;import\r\n"
       "Xylo Labs;xylo-labs.dev;NA;00123;;DE;import\r\n").encode("cp1252")


def shot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / name), full_page=True)


def create_icp_from_template(page: Page) -> None:
    visit(page, "/profiles/new?template=cybersecurity")
    expect(page.locator("#running-sum")).to_contain_text("100 / 100", timeout=FIRST_LOAD_MS)
    for step in ("Industries", "Company size", "Geography", "Signals", "Disqualifiers",
                 "Weights & save"):
        page.locator("#wizard-next").click()
        expect(page.locator("#wizard-step")).to_contain_text(step)
    page.locator("#save-icp").click()
    expect(page).to_have_url(re.compile(r".*/profiles/\d+$"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#rescore-message")).to_contain_text("All companies re-scored",
                                                             timeout=FIRST_LOAD_MS)


def test_companies_list_shows_fit_badges_and_company_page(page: Page):
    try_demo(page)
    create_icp_from_template(page)
    visit(page, "/companies")
    expect(page.locator("#page-label")).to_have_text("Page 1 of 5", timeout=FIRST_LOAD_MS)
    # Best fit first: the first badge is an A.
    page.locator("#sort-fit_score").click()
    first_badge = page.locator(".fit-badge").first
    expect(first_badge).to_contain_text(re.compile(r"^A · \d+"))
    first_badge.click()
    expect(page.locator(".fit-summary")).to_contain_text(re.compile(r"\d+ · A — "))
    page.keyboard.press("Escape")
    # Filter on tier A: every badge is an A.
    page.locator("#filter-fit_tier").click()
    page.get_by_role("option", name="A", exact=True).click()
    expect(page.locator(".fit-badge").first).to_contain_text("A ·")
    expect(page.locator(".fit-badge", has_text=re.compile(r"^[BCD] ·"))).to_have_count(0)
    page.locator("#next-page").is_visible()
    shot(page, "companies_list_desktop.png")
    page.set_viewport_size(PHONE)
    shot(page, "companies_list_phone.png")
    page.set_viewport_size({"width": 1280, "height": 800})
    # The company page: per-criterion explanation, add to pipeline, log a call.
    name = page.locator(".company-link").first.inner_text()
    page.locator(".company-link").first.click()
    expect(page).to_have_url(re.compile(r".*/companies/\d+$"), timeout=FIRST_LOAD_MS)
    expect(page.locator("h1, h2").filter(has_text=name).first).to_be_visible()
    expect(page.locator("#fit-summary")).to_contain_text(" · A — ")
    deals_before = page.locator(".deal-row").count()
    page.locator("#add-to-pipeline").click()
    expect(page.locator(".deal-row")).to_have_count(deals_before + 1)
    page.locator("#log-summary").fill("Intro call with the CISO")
    page.locator("#log-interaction").click()
    expect(page.locator(".interaction-row").first).to_contain_text("Intro call with the CISO")
    page.locator("#contact-first-name").fill("Jane")
    page.locator("#contact-email").fill("not-an-email")
    page.locator("#add-contact").click()
    expect(page.get_by_role("alert").first).to_contain_text(re.compile("mail", re.I))
    page.locator("#contact-email").fill("jane@example.com")
    page.locator("#add-contact").click()
    expect(page.locator(".contact-row", has_text="Jane")).to_be_visible()
    shot(page, "company_page_desktop.png")
    page.set_viewport_size(PHONE)
    shot(page, "company_page_phone.png")


def test_import_csv_through_mapping_and_see_the_companies(page: Page, tmp_path):
    try_demo(page)
    create_icp_from_template(page)
    visit(page, "/companies")
    page.locator("#import-csv").click()
    expect(page).to_have_url(re.compile(r".*/companies/import$"), timeout=FIRST_LOAD_MS)
    path = tmp_path / "firmen.csv"
    path.write_bytes(CSV)
    page.locator("#companies-csv input[type=file]").set_input_files(str(path))
    # Mapping step: German headers are not guessed; map them by hand.
    expect(page.locator("#preview")).to_contain_text("Zebra Sécurité SA", timeout=FIRST_LOAD_MS)
    expect(page.get_by_text("Company name is required: map a column to it.")).to_be_visible()
    for header, label in [("Firma", "Company name *"), ("Website", "Domain"),
                          ("Branche", "Industry"), ("Mitarbeiter", "Employees"),
                          ("Umsatz", "Annual revenue"), ("Land", "Country")]:
        page.locator(f"#map-{header}").click()
        page.get_by_role("option", name=label, exact=True).click()
    expect(page.get_by_text("Company name is required: map a column to it.")).to_have_count(0)
    expect(page.locator("#map-Tags")).to_contain_text("Tags")  # guessed from the header
    page.locator("#validate-import").click()
    expect(page.locator("#validation-counts")).to_contain_text("3 valid rows",
                                                               timeout=FIRST_LOAD_MS)
    report = page.locator("#error-report")
    expect(report).to_contain_text("Website")
    expect(page.locator(".error-row").first).to_contain_text("5")  # the spreadsheet row
    with page.expect_download() as download_info:
        page.locator("#download-errors").click()
    errors_csv = download_info.value.path().read_bytes().decode("utf-8-sig")
    assert "5,Website," in errors_csv
    shot(page, "company_import_mapping.png")
    page.locator("#run-import").click()
    expect(page.locator("#import-summary")).to_contain_text("3 created", timeout=60_000)
    expect(page.locator("#import-summary")).to_contain_text("1 invalid")
    shot(page, "company_import_done.png")
    page.locator("#see-companies").click()
    expect(page).to_have_url(re.compile(r".*/companies$"), timeout=FIRST_LOAD_MS)
    page.locator("#filter-tag").fill("import")
    page.locator("#filter-tag").press("Enter")
    expect(page.locator(".company-link")).to_have_count(3)
    row = page.locator("tr", has=page.locator(".company-link", has_text="Zebra Sécurité SA"))
    expect(row.locator(".fit-badge")).to_contain_text(re.compile(r"^[ABCD] · \d+"))
    expect(page.locator("tr", has_text="Xylo Labs")).to_contain_text("123")
    expect(page.locator("tr", has_text="Xylo Labs")).to_contain_text("NA")
    expect(page.locator(".company-link", has_text="Broken Row")).to_have_count(0)
    shot(page, "companies_after_import.png")
