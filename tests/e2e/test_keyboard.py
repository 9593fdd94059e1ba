"""A main journey with the keyboard alone: sign up, add a company (its page
opens), go back to the list and open it from there.

Only page.keyboard is used once the first page is open (tests/e2e/keyboard.py
has the steps and the check of the focus indicator). Screenshots of the
focused targets are saved in tests/e2e/screenshots/keyboard_*.png.

Moving a deal with the keyboard is tests/e2e/test_pipeline.py's
test_moving_with_the_keyboard_only; building an ICP, sending a quote and
recording a payment are in tests/e2e/test_keyboard_journeys.py.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.journeys import FIRST_LOAD_MS, PASSWORD, _path_is, visit
from tests.e2e.keyboard import assert_focus_visible, focused_matches, shot, tab_to, type_into

pytestmark = pytest.mark.e2e


def test_sign_up_add_a_company_and_open_it_with_the_keyboard_only(page: Page):
    workspace = f"Keys {uuid.uuid4().hex[:6]}"
    visit(page, "/signup")
    expect(page.locator('input[name="name"]')).to_be_editable(timeout=FIRST_LOAD_MS)

    # 1. Sign up: Tab into each field, type, Enter submits the form.
    type_into(page, 'input[name="name"]', "the name field", "Kim Keys")
    shot(page, "signup_name")
    type_into(page, 'input[name="email"]', "the email field",
              f"keys-{uuid.uuid4().hex[:8]}@example.com")
    type_into(page, 'input[name="password"]', "the password field", PASSWORD)
    type_into(page, 'input[name="workspace_name"]', "the workspace field", workspace)
    tab_to(page, "#signup-submit", "the Sign up button")
    shot(page, "signup_button")
    tab_to(page, 'input[name="workspace_name"]', "the workspace field (Shift+Tab)",
           backwards=True)
    page.keyboard.press("Enter")
    expect(page).to_have_url(_path_is("/dashboard"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#workspace-switcher")).to_contain_text(workspace,
                                                                timeout=FIRST_LOAD_MS)

    # 2. To the companies: "Skip to content" is the first stop, the navigation next.
    tab_to(page, "a.skip-link", "the skip link")
    shot(page, "skip_link")
    tab_to(page, 'nav a[href="/companies"]', "the Companies link")
    shot(page, "nav_link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(_path_is("/companies"), timeout=FIRST_LOAD_MS)
    expect(page.get_by_text("No companies yet")).to_be_visible(timeout=FIRST_LOAD_MS)

    # 3. Skip the navigation, then add a company in the dialog.
    tab_to(page, "a.skip-link", "the skip link")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    tab_to(page, "#add-company", "the Add company button")
    shot(page, "add_company_button")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    if not focused_matches(page, 'input[name="name"]'):
        tab_to(page, 'input[name="name"]', "the dialog's Name field")
    assert_focus_visible(page, "the dialog's Name field")
    page.keyboard.type("Keyboard Works Ltd")
    type_into(page, 'input[name="domain"]', "the dialog's Domain field", "keyboard.example")
    shot(page, "add_company_dialog")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    # The new company's page opens.
    expect(page).to_have_url(re.compile(r".*/companies/\d+$"), timeout=FIRST_LOAD_MS)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Keyboard Works Ltd", timeout=FIRST_LOAD_MS)
    company_url = page.url

    # 4. Back to the list, and open it from there.
    tab_to(page, 'nav a[href="/companies"]', "the Companies link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(_path_is("/companies"), timeout=FIRST_LOAD_MS)
    expect(page.locator("a.company-link", has_text="Keyboard Works Ltd")).to_be_visible(
        timeout=FIRST_LOAD_MS)
    tab_to(page, 'a.company-link[href^="/companies/"]', "the company's link")
    shot(page, "company_link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(company_url, timeout=FIRST_LOAD_MS)
    expect(heading).to_have_text("Keyboard Works Ltd", timeout=FIRST_LOAD_MS)
