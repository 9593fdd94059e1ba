"""The Today journey: record a signal on an A-fit company with no deal, see it at
the top of Today with its reason, turn it into a deal with a follow-up, complete
the follow-up and see the next one proposed; the pipeline's "no next step"
filter shows a deal without follow-ups."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOT_DIR, SERVER_INFO
from tests.e2e.journeys import FIRST_LOAD_MS, sign_up, visit

pytestmark = pytest.mark.e2e

ICP = {"name": "Mid-market", "kind": "b2b", "criteria": [
    {"field": "industry", "values": ["Technology"], "weight": 50},
    {"field": "employees", "min": 500, "max": 2000, "weight": 40},
    {"field": "triggers", "values": ["recent funding", "new CISO"], "weight": 10}]}


def seed(token: str) -> dict[str, int]:
    """Into the signed-up workspace, as its owner: the ICP, an A-fit company with no
    deal, and another company with a deal and no follow-up."""
    from updoot_app import db
    from updoot_app.services.crm import companies, deals
    from updoot_app.services.identity.access import resolve_session
    from updoot_app.services.profiles import icps

    db.configure(SERVER_INFO["database_url"])
    with db.session_scope() as s:
        p = resolve_session(s, token)
        icps.create_icp(s, p, ICP)
        acme = companies.create_company(s, p, {"name": "Acme", "industry": "Technology",
                                               "employees": 800})
        bare = companies.create_company(s, p, {"name": "Bare Co"})
        deals.create_deal(s, p, {"company_id": bare.id, "title": "Bare deal"})
        return {"acme": acme.id}


def select_option(page: Page, trigger: str, option: str) -> None:
    page.locator(trigger).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_signal_to_deal_to_follow_up_and_the_next_one(page: Page):
    sign_up(page, email=f"today-{uuid.uuid4().hex[:8]}@example.com", workspace="Today Co")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "updoot_session")
    ids = seed(token)
    today = datetime.now(UTC).date().isoformat()

    # Record a signal on the company.
    visit(page, f"/companies/{ids['acme']}")
    page.locator("#record-signal").click(timeout=FIRST_LOAD_MS)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Record a signal")
    for name in ("Trigger", "Or another trigger", "When it happened", "Note or source link"):
        expect(dialog.get_by_label(name, exact=True)).to_be_visible()  # a real label each
    select_option(page, "#signal-trigger", "recent funding")
    page.locator("#signal-date").fill(today)
    page.locator("#signal-note").fill("https://news.example/acme-series-b")
    page.locator("#save-signal").click()
    expect(page.locator("#signals .signal-row")).to_contain_text("recent funding")
    expect(page.locator("#signals .signal-row")).to_contain_text("fresh")
    expect(page.locator("#trigger-evidence")).to_contain_text(
        f"recent funding: matched, signal on {today} (today)")

    # Today: it is at the top, with its reason.
    page.locator('nav a[href="/today"]').first.click()
    first = page.locator(".today-line").first
    expect(first).to_contain_text(
        "Acme (A · 100) had 'recent funding' today and has no open deal", timeout=FIRST_LOAD_MS)
    expect(first).to_contain_text("Buying signal")
    page.screenshot(path=str(SCREENSHOT_DIR / "today_list.png"), full_page=True)

    # One click: a deal, and its follow-up.
    first.locator(".line-deal").click()
    expect(page.get_by_role("dialog")).to_contain_text("Schedule a follow-up")
    expect(page.locator("#fu-title")).to_have_value("Follow up: Acme")
    for name in ("Title", "Type", "Due on", "Time (optional)", "Assignee", "Notes"):
        expect(page.get_by_role("dialog").get_by_label(name, exact=True)).to_be_visible()
    page.locator("#fu-due-on").fill(today)
    page.locator("#save-follow-up").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    first = page.locator(".today-line").first
    expect(first).to_contain_text("Due today: Follow up: Acme (Acme, A · 100)")
    expect(page.locator(".today-line", has_text="Acme (A · 100) had")).to_have_count(0)

    # Complete it: the next one is proposed, a week on.
    first.locator(".done-button").click()
    expect(page.get_by_role("dialog")).to_contain_text("Done: Follow up: Acme")
    expect(page.locator("#done-next-title")).to_have_value("Follow up: Acme")
    for name in ("Log it as", "What happened", "Schedule the next one", "Next title",
                 "Next type", "Next due on"):
        expect(page.get_by_role("dialog").get_by_label(name, exact=True)).to_be_visible()
    page.screenshot(path=str(SCREENSHOT_DIR / "today_done_dialog.png"))
    expect(page.locator("#done-next-due")).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    proposed = page.locator("#done-next-due").input_value()
    assert proposed > today
    page.locator("#done-summary").fill("Spoke to the CFO")
    page.locator("#finish-done").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator(".today-line", has_text="Follow up: Acme")).to_have_count(0)

    # The deal shows its next step; the pipeline's filter shows the bare deal only.
    visit(page, "/pipeline")
    acme_card = page.locator(".deal-card", has_text="Acme")
    bare_card = page.locator(".deal-card", has_text="Bare deal")
    expect(bare_card).to_contain_text("No next step", timeout=FIRST_LOAD_MS)
    expect(acme_card).not_to_contain_text("No next step")
    page.screenshot(path=str(SCREENSHOT_DIR / "today_pipeline_flags.png"))
    select_option(page, "#filter-next-step", "No next step")
    expect(page.locator(".deal-card", has_text="Acme")).to_have_count(0)
    expect(bare_card).to_be_visible()
    select_option(page, "#filter-next-step", "All next steps")
    href = acme_card.locator(".deal-link").get_attribute("href")
    visit(page, href)
    expect(page.locator("#next-step")).to_contain_text(f"Follow up: Acme · due {proposed}",
                                                       timeout=FIRST_LOAD_MS)


def test_dashboard_by_buying_signal(page: Page):
    """The dashboard's signal picker: the KPIs of deals opened with a fresh signal."""
    sign_up(page, email=f"signal-kpi-{uuid.uuid4().hex[:8]}@example.com", workspace="Kpi Co")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "updoot_session")
    from updoot_app import db
    from updoot_app.services.crm import companies, deals, signals
    from updoot_app.services.identity.access import resolve_session

    db.configure(SERVER_INFO["database_url"])
    with db.session_scope() as s:
        p = resolve_session(s, token)
        hot = companies.create_company(s, p, {"name": "Hot"})
        cold = companies.create_company(s, p, {"name": "Cold"})
        signals.record_signal(s, p, hot.id, {"trigger": "recent funding"})
        for company_id, stage in ((hot.id, "Won"), (cold.id, "Lost"), (cold.id, "Lost")):
            deal = deals.create_deal(s, p, {"company_id": company_id, "title": "d"})
            deals.move_stage(s, p, deal.id, stage, "Too pricey")
    visit(page, "/dashboard")
    kpis = page.locator("#dashboard-kpis")
    expect(kpis).to_contain_text("Win rate", timeout=FIRST_LOAD_MS)
    page.locator("#signal-picker").get_by_role("radio", name="Fresh signal").click()
    expect(kpis).to_contain_text("deals with a fresh signal")
    expect(kpis).to_contain_text("100")
    page.screenshot(path=str(SCREENSHOT_DIR / "dashboard_fresh_signal.png"), full_page=True)
    page.locator("#signal-picker").get_by_role("radio", name="No signal").click()
    expect(kpis).to_contain_text("deals without a signal")
