"""The main fields are found by their visible label (Playwright's `get_by_label`),
the way a user or a screen reader finds them, and a click on a label's text
puts the focus in its field: sign-up, a company and its contact, a quote's
lines, the ICP wizard, goals and settings."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.journeys import FIRST_LOAD_MS, PASSWORD, _path_is, visit

pytestmark = pytest.mark.e2e


def expect_label_focuses(page: Page, label: str, **kwargs) -> None:
    """Clicking the label's text puts the focus in its field."""
    page.locator("label", has_text=label).first.click()
    expect(page.get_by_label(label, **kwargs)).to_be_focused()


def test_fields_are_found_by_their_visible_labels(new_page):
    page = new_page()
    # Sign up with nothing but the labels a user reads.
    visit(page, "/signup")
    page.get_by_label("Your name").fill("Label Reader")
    email = f"reader-{uuid.uuid4().hex[:8]}@example.com"
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password \(at least \d+ characters\)$")).fill(PASSWORD)
    page.get_by_label("Workspace name").fill("Readers Ltd")
    expect_label_focuses(page, "Email", exact=True)
    expect(page.get_by_label("Email", exact=True)).to_have_value(email)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(_path_is("/dashboard"), timeout=FIRST_LOAD_MS)

    # Add a company through the dialog, by label.
    visit(page, "/companies")
    expect(page.get_by_label("Search companies by name or domain")).to_be_visible()
    expect(page.get_by_label("Fit tier")).to_have_attribute("role", "combobox")
    page.locator("#add-company").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name", exact=True).fill("Label Labs")
    dialog.get_by_label("Domain").fill("labellabs.io")
    dialog.get_by_label("Employees").fill("250")
    dialog.get_by_label("Country").fill("DE")
    dialog.get_by_role("button", name="Add company").click()

    # The new company's page: the details form and the contact form.
    expect(page).to_have_url(re.compile(r".*/companies/\d+$"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#save-company")).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(page.get_by_label("Domain", exact=True)).to_have_value("labellabs.io")
    expect(page.get_by_label("Employees", exact=True)).to_have_value("250")
    expect_label_focuses(page, "Tech stack")
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Email").fill("ada@labellabs.io")
    expect(page.get_by_label("Persona", exact=True)).to_have_attribute("role", "combobox")
    page.get_by_role("button", name="Add contact").click()
    expect(page.locator(".contact-row", has_text="Ada")).to_be_visible()
    expect(page.get_by_label("Interaction kind")).to_have_attribute("role", "combobox")

    # A quote: header fields and the fields of each line, named by line.
    visit(page, "/quotes")
    page.locator("#new-quote").click()
    expect(page).to_have_url(re.compile(r".*/quotes/\d+$"), timeout=FIRST_LOAD_MS)
    company = page.get_by_label("Company", exact=True)
    expect(company).to_have_attribute("role", "combobox", timeout=FIRST_LOAD_MS)
    company.click()
    page.get_by_role("option", name="Label Labs").click()
    expect(page.get_by_label("Issue date")).to_be_visible()
    page.locator("#add-line").click()
    page.locator("#add-line").click()
    page.get_by_label("Description, line 2").fill("Training")
    page.get_by_label("Quantity, line 2").fill("3")
    page.get_by_label("Unit price, line 2").fill("100")
    page.get_by_label("Unit price, line 2").press("Tab")
    expect(page.locator("#total")).to_have_text("$300.00")
    expect_label_focuses(page, "Document discount %")

    # The wizard: the name, the kind radios (a click on "B2C" picks it), a weight.
    visit(page, "/profiles/new")
    expect(page.get_by_label("Name", exact=True)).to_be_visible(timeout=FIRST_LOAD_MS)
    page.locator("label", has_text="B2C individuals").click()
    expect(page.get_by_label("B2C individuals")).to_be_checked()
    page.locator("#wizard-next").click()
    expect(page.get_by_label("Industries you sell to", exact=True)).to_be_visible()
    expect(page.get_by_label("Weight of Industries")).to_be_visible()

    # Goals and settings.
    visit(page, "/goals")
    expect(page.get_by_label("Metric")).to_have_attribute("role", "combobox",
                                                          timeout=FIRST_LOAD_MS)
    expect(page.get_by_label("Target")).to_be_visible()
    expect_label_focuses(page, "Segment value")
    visit(page, "/settings")
    expect(page.get_by_label("Quote number prefix")).to_have_value("Q", timeout=FIRST_LOAD_MS)
    expect(page.get_by_label("Currency")).to_have_attribute("role", "combobox")
    expect(page.get_by_label("Accepting a quote moves its deal to Won")).to_be_checked()
    expect(page.get_by_label("Token name")).to_be_visible()
    expect(page.get_by_label("Email of the person to invite")).to_be_visible()
    expect_label_focuses(page, "Invoice number prefix")
