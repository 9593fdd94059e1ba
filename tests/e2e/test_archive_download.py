"""Settings → Your data: the owner of the demo prepares the whole workspace as one
archive (a job on the queue, its progress on the page), then downloads it; an
invited admin sees no such buttons."""

from __future__ import annotations

import io
import json
import re
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOT_DIR, SERVER_INFO
from tests.e2e.journeys import FIRST_LOAD_MS, try_demo, visit

pytestmark = pytest.mark.e2e


def pick(page: Page, trigger: str, option: str) -> None:
    page.locator(trigger).click()
    page.get_by_role("option", name=option).click()


def archive_row(token: str, **values) -> None:
    """Into the server's database: the workspace's archive row in the state given
    (a demo archive is written too fast to catch it running or make it fail)."""
    from sqlmodel import select

    from updoot_app import db
    from updoot_app.models import ArchiveExport
    from updoot_app.services.identity.access import resolve_session

    db.configure(SERVER_INFO["database_url"])
    with db.session_scope() as s:
        p = resolve_session(s, token)
        row = s.exec(select(ArchiveExport)
                     .where(ArchiveExport.workspace_id == p.workspace_id)).first()
        row = row or ArchiveExport(workspace_id=p.workspace_id, created_by=p.user_id)
        for key, value in values.items():
            setattr(row, key, value)
        row.active_workspace_id = p.workspace_id if row.status in ("queued", "running") else None
        s.add(row)


def test_the_owner_prepares_and_downloads_the_workspace_archive(page: Page, tmp_path: Path):
    try_demo(page)
    visit(page, "/settings")
    prepare = page.locator("#prepare-archive")
    expect(prepare).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(prepare).to_have_text("Prepare archive")
    expect(page.locator("#download-archive")).to_have_count(0)

    # What an archive in the making looks like, and a failed one.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "updoot_session")
    archive_row(token, status="running", files_done=12, files_total=44, rows_written=3456)
    visit(page, "/settings")
    expect(page.locator("#archive-status")).to_have_text(
        "Writing: 12 of 44 files, 3,456 rows so far.", timeout=FIRST_LOAD_MS)
    expect(page.locator("#archive-progress")).to_be_visible()
    expect(prepare).to_be_disabled()
    expect(prepare).to_have_text("Preparing…")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.locator("#archive").screenshot(path=str(SCREENSHOT_DIR / "settings_archive_running.png"))
    archive_row(token, status="failed", error="No space left on device.")
    expect(page.locator("#archive-error")).to_contain_text(   # the page polls it
        "The archive could not be made: No space left on device.", timeout=10_000)
    expect(page.locator("#archive-progress")).to_have_count(0)
    page.locator("#archive").screenshot(path=str(SCREENSHOT_DIR / "settings_archive_failed.png"))

    expect(prepare).to_be_enabled()
    prepare.click()
    # The job queue (in the server's process) writes it; the page polls its progress.
    ready = page.locator("#archive-ready")
    expect(ready).to_contain_text("Ready: ", timeout=60_000)
    expect(prepare).to_have_text("Prepare a new archive")
    expect(page.locator("#archive-error")).to_have_count(0)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.locator("#archive").screenshot(path=str(SCREENSHOT_DIR / "settings_archive.png"))
    with page.expect_download() as info:
        page.locator("#download-archive").click()
    assert re.fullmatch(r"[a-z0-9-]+-archive-\d{4}-\d{2}-\d{2}\.zip",
                        info.value.suggested_filename), info.value.suggested_filename
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        companies = json.loads(archive.read("data/companies.json"))
        names = set(archive.namelist())
    assert manifest["format"] == "updoot-workspace-archive"
    assert manifest["tables"]["companies"] == len(companies) == 120
    assert {"companies.csv", "data/deals.json", "users.json"} <= names
    # The link is the owner's: another browser without the session gets nothing.
    href = page.locator("#download-archive").get_attribute("href")
    assert page.request.get(href).status == 200
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(page.url.split("/settings")[0] + href, timeout=10)
    assert refused.value.code == 401


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
    expect(other.locator("#prepare-archive")).to_have_count(0)
    expect(other.locator("#download-archive")).to_have_count(0)
