"""Foundation journeys in a real browser against `updoot serve` (see conftest.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.journeys import (
    FIRST_LOAD_MS,
    PASSWORD,
    PHONE,
    _path_is,
    _uid,
    log_in,
    sign_up,
    visit,
)

pytestmark = pytest.mark.e2e

def is_dark(page: Page) -> bool:
    return page.evaluate("document.documentElement.classList.contains('dark')")


def test_signup_lands_on_empty_dashboard(page: Page):
    workspace = f"Signup Co {_uid()}"
    sign_up(page, email=f"owner-{_uid()}@example.com", workspace=workspace)
    expect(page.locator("#stat-companies")).to_have_text("0", timeout=FIRST_LOAD_MS)
    expect(page.get_by_text("Demo workspace")).to_have_count(0)
    # An empty pipeline says so instead of showing bare columns.
    visit(page, "/pipeline")
    expect(page.locator("#pipeline-empty")).to_be_visible(timeout=FIRST_LOAD_MS)


def log_out(page: Page, email: str) -> None:
    page.locator("#user-menu").click()
    expect(page.locator("#user-email")).to_have_text(email)
    page.locator("#logout").click()
    expect(page).not_to_have_url(_path_is("/dashboard"), timeout=FIRST_LOAD_MS)


def test_logout_lands_on_landing_page(page: Page):
    email = f"owner-{_uid()}@example.com"
    sign_up(page, email=email, workspace=f"Logout Co {_uid()}")
    log_out(page, email)
    expect(page).to_have_url(_path_is("/"), timeout=5_000)
    expect(page.locator("#cta-signup")).to_be_visible()
    page.wait_for_timeout(1_000)  # settle: a late redirect would move us to /login
    expect(page).to_have_url(_path_is("/"))


def test_logout_then_login_again(page: Page):
    email = f"owner-{_uid()}@example.com"
    workspace = f"Login Co {_uid()}"
    sign_up(page, email=email, workspace=workspace)

    log_out(page, email)
    assert not any(c["name"] == "updoot_session" and c["value"]
                   for c in page.context.cookies()), "session cookie survives log out"

    visit(page, "/dashboard")
    expect(page).to_have_url(_path_is("/login"), timeout=FIRST_LOAD_MS)

    log_in(page, email, "not the right password")
    expect(page.get_by_role("alert")).to_contain_text("Invalid email or password.",
                                                      timeout=FIRST_LOAD_MS)
    expect(page).to_have_url(_path_is("/login"))

    log_in(page, email, PASSWORD)
    expect(page).to_have_url(_path_is("/dashboard"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#workspace-switcher")).to_contain_text(workspace,
                                                                timeout=FIRST_LOAD_MS)
    expect(page.locator("#stat-companies")).to_have_text("0")


def test_try_the_demo(page: Page):
    visit(page, "/")
    page.locator("#cta-demo").click()
    expect(page).to_have_url(_path_is("/dashboard"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#stat-companies")).to_have_text("120", timeout=FIRST_LOAD_MS)
    expect(page.get_by_text("Demo workspace", exact=True)).to_be_visible()


def test_invite_a_member(page: Page, new_page):
    owner_email = f"owner-{_uid()}@example.com"
    workspace = f"Invite Co {_uid()}"
    member_email = f"member-{_uid()}@example.com"
    sign_up(page, email=owner_email, workspace=workspace)

    visit(page, "/settings")
    page.locator("#invite-email").fill(member_email)
    page.locator("#invite-submit").click()
    link = page.locator("#invite-link")
    expect(link).to_have_text(re.compile(r"/invite/\S+$"), timeout=FIRST_LOAD_MS)
    invite_url = link.inner_text().strip()
    assert invite_url.startswith(page.url.split("/settings")[0] + "/invite/"), invite_url
    expect(page.get_by_text(re.compile(re.escape(member_email) + r" · member"))).to_be_visible()

    other = new_page()  # another person: new browser context, no cookies
    other.goto(invite_url, wait_until="networkidle", timeout=30_000)
    expect(other.get_by_text(member_email)).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(other.get_by_role("heading", name=f"Join {workspace}")).to_be_visible()
    other.locator('input[name="name"]').fill("New Member")
    other.locator('input[name="password"]').fill("member password 123")
    other.locator("#invite-accept").click()
    expect(other).to_have_url(_path_is("/dashboard"), timeout=FIRST_LOAD_MS)
    expect(other.locator("#workspace-switcher")).to_contain_text(workspace,
                                                                 timeout=FIRST_LOAD_MS)
    other.locator("#user-menu").click()
    expect(other.locator("#user-email")).to_have_text(member_email)
    other.keyboard.press("Escape")

    page.reload(wait_until="networkidle")
    members = page.get_by_role("table").first
    expect(members.get_by_role("row").filter(has_text=member_email)).to_have_count(
        1, timeout=FIRST_LOAD_MS)
    expect(members.get_by_role("row").filter(has_text=owner_email)).to_have_count(1)


def test_dark_mode_toggle_persists(page: Page):
    sign_up(page, email=f"owner-{_uid()}@example.com", workspace=f"Dark Co {_uid()}")
    was_dark = is_dark(page)
    assert not was_dark, "a new browser should start in light mode"

    page.locator("#color-mode-toggle").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))

    page.reload(wait_until="networkidle")
    expect(page.locator("#workspace-switcher")).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))

    page.locator("#color-mode-toggle").click()
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bdark\b"))
    page.reload(wait_until="networkidle")
    expect(page.locator("#workspace-switcher")).to_be_visible(timeout=FIRST_LOAD_MS)
    assert not is_dark(page)


def assert_no_horizontal_overflow(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (
        f"{page.url} overflows horizontally: scrollWidth {width}px > {PHONE['width']}px")


def test_phone_layout_and_drawer(page: Page):
    sign_up(page, email=f"owner-{_uid()}@example.com", workspace="Acme")
    page.set_viewport_size(PHONE)
    visit(page, "/dashboard")
    expect(page.locator("#stat-companies")).to_have_text("0", timeout=FIRST_LOAD_MS)
    assert_no_horizontal_overflow(page)
    expect(page.get_by_role("link", name="Competitors")).to_be_hidden()  # no sidebar

    page.locator("#mobile-menu").click()
    drawer = page.get_by_role("dialog")
    expect(drawer).to_be_visible()
    for label in ("Dashboard", "Profiles", "Companies", "Pipeline", "Competitors", "Quotes",
                  "Invoices", "Goals", "Settings"):
        expect(drawer.get_by_role("link", name=label)).to_be_visible()
    drawer.get_by_role("link", name="Pipeline").click()
    expect(page).to_have_url(_path_is("/pipeline"), timeout=FIRST_LOAD_MS)
    expect(page.get_by_role("heading", name="Pipeline")).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(page.get_by_role("dialog")).to_have_count(0)  # drawer closed after navigating
    assert_no_horizontal_overflow(page)


def test_phone_long_workspace_name_does_not_overflow(page: Page):
    sign_up(page, email=f"owner-{_uid()}@example.com", workspace="Northwind Traders Ltd")
    page.set_viewport_size(PHONE)
    visit(page, "/dashboard")
    expect(page.locator("#stat-companies")).to_have_text("0", timeout=FIRST_LOAD_MS)
    expect(page.locator("#user-menu")).to_be_in_viewport(ratio=1)
    assert_no_horizontal_overflow(page)


def test_settings_requires_login(page: Page):
    visit(page, "/settings")
    expect(page).to_have_url(_path_is("/login"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#login-submit")).to_be_visible()
