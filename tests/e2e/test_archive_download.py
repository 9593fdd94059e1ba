"""Settings → Your data: the owner of the demo downloads the whole workspace as one
archive; an invited admin sees no such button."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOT_DIR
from tests.e2e.journeys import FIRST_LOAD_MS, try_demo, visit

pytestmark = pytest.mark.e2e


def pick(page: Page, trigger: str, option: str) -> None:
    page.locator(trigger).click()
    page.get_by_role("option", name=option).click()


def test_the_owner_downloads_the_workspace_archive(page: Page, tmp_path: Path):
    try_demo(page)
    visit(page, "/settings")
    button = page.locator("#download-archive")
    expect(button).to_be_visible(timeout=FIRST_LOAD_MS)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.locator("#archive").screenshot(path=str(SCREENSHOT_DIR / "settings_archive.png"))
    with page.expect_download() as info:
        button.click()
    assert info.value.suggested_filename.endswith("-archive.zip")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        companies = json.loads(archive.read("data/companies.json"))
        names = set(archive.namelist())
    assert manifest["tables"]["companies"] == len(companies) == 120
    assert {"companies.csv", "data/deals.json", "users.json"} <= names


def test_an_admin_has_no_download_button(page: Page, new_page):
    try_demo(page)
    visit(page, "/settings")
    page.locator("#invite-email").fill("second-admin@example.com")
    pick(page, "#invite-role", "admin")
    page.locator("#invite-submit").click()
    link = page.locator("#invite-link")
    expect(link).to_have_text(re.compile(r"/invite/\S+$"), timeout=FIRST_LOAD_MS)
    other = new_page()
    other.goto(link.inner_text().strip(), wait_until="networkidle", timeout=30_000)
    other.locator('input[name="password"]').fill("admin password 123")
    other.locator("#invite-accept").click()
    expect(other).to_have_url(re.compile(r"/dashboard/?$"), timeout=FIRST_LOAD_MS)
    visit(other, "/settings")
    expect(other.locator("#invite-email")).to_be_visible(timeout=FIRST_LOAD_MS)  # an admin
    expect(other.locator("#download-archive")).to_have_count(0)
