"""Steps shared by the browser journeys."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

FIRST_LOAD_MS = 20_000  # first navigation: cold chunks, socket connect, on_load
PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}


def _uid() -> str:
    return uuid.uuid4().hex[:10]


def _path_is(path: str) -> re.Pattern[str]:
    """URL whose path is exactly `path` (any query string or fragment)."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"/?(?:[?#].*)?$")


def visit(page: Page, path: str) -> None:
    """Navigate and let the app's scripts load (so forms submit through React,
    not as a native GET)."""
    page.goto(path, wait_until="networkidle", timeout=30_000)


def sign_up(page: Page, *, email: str, workspace: str, name: str = "Test Owner",
            password: str = PASSWORD) -> None:
    visit(page, "/signup")
    page.locator('input[name="name"]').fill(name)
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    page.locator('input[name="workspace_name"]').fill(workspace)
    page.locator("#signup-submit").click()
    expect(page).to_have_url(_path_is("/dashboard"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#workspace-switcher")).to_contain_text(workspace,
                                                                timeout=FIRST_LOAD_MS)


def log_in(page: Page, email: str, password: str) -> None:
    visit(page, "/login")
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    page.locator("#login-submit").click()


def try_demo(page: Page) -> None:
    visit(page, "/")
    page.locator("#cta-demo").click()
    expect(page).to_have_url(_path_is("/dashboard"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#stat-companies")).to_have_text("120", timeout=FIRST_LOAD_MS)
