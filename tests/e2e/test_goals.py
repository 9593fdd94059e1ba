"""The Goals journey: try the demo (which comes with an ICP and three goals), set
a goal, see its progress on the dashboard, apply a suggested ICP weight change
and see the new ICP version."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOT_DIR, SERVER_INFO
from tests.e2e.journeys import FIRST_LOAD_MS, PHONE, try_demo, visit

pytestmark = pytest.mark.e2e


def add_closed_deals_with_a_signal() -> int:
    """Into the newest (demo) workspace: 30 Technology companies with a won deal and
    30 Retail companies with a lost one, closed an hour ago; 10 of the winners and 6
    of the losers are in Japan (outside the ICP's regions). Industry then has a
    clear positive lift and region a negative one, with enough deals on each side,
    whatever the demo's random data: a weight change is always suggested. The new
    companies are scored as the app would; returns the demo ICP's id."""
    from sqlalchemy import func
    from sqlmodel import Session, create_engine, select

    from updoot_app.models import Company, Deal, DealStageChange, Icp, Stage, Workspace
    from updoot_app.services.profiles import fit

    engine = create_engine(SERVER_INFO["database_url"])
    now = datetime.now(UTC)
    with Session(engine) as s:
        ws = s.exec(select(func.max(Workspace.id))).one()
        stages = {st.name: st.id for st in s.exec(select(Stage).where(Stage.workspace_id == ws))}
        for i in range(60):
            won = i < 30
            c = Company(workspace_id=ws, name=f"Signal {i}", industry="Technology" if won
                        else "Retail", country="JP" if i < 10 or i >= 54 else "US",
                        created_at=now - timedelta(days=3))
            s.add(c)
            s.flush()
            d = Deal(workspace_id=ws, company_id=c.id, title=f"Signal deal {i}",
                     value=Decimal("5000"), stage_id=stages["Won" if won else "Lost"],
                     created_at=now - timedelta(days=2), closed_at=now - timedelta(hours=1))
            s.add(d)
            s.flush()
            s.add(DealStageChange(workspace_id=ws, deal_id=d.id, from_stage_id=None,
                                  to_stage_id=stages["New"], changed_at=d.created_at))
            s.add(DealStageChange(workspace_id=ws, deal_id=d.id, from_stage_id=stages["New"],
                                  to_stage_id=d.stage_id, changed_at=d.closed_at))
        s.flush()
        fit.rescore_workspace(s, ws)
        icp_id = s.exec(select(Icp.id).where(Icp.workspace_id == ws)).one()
        s.commit()
    engine.dispose()
    return icp_id


def test_set_a_goal_see_progress_apply_suggested_weights(page: Page, new_page):
    try_demo(page)
    icp_id = add_closed_deals_with_a_signal()
    icp_url = f"/profiles/{icp_id}"
    visit(page, icp_url)
    expect(page.locator("#icp-version")).to_contain_text("version 1", timeout=FIRST_LOAD_MS)

    # Set a goal on /goals (the demo has three already).
    visit(page, "/goals")
    expect(page.locator(".goal-row")).to_have_count(3, timeout=FIRST_LOAD_MS)
    page.locator("#goal-target").fill("100000")
    page.locator("#goal-save").click()
    expect(page.locator(".goal-row")).to_have_count(4, timeout=10_000)
    mine = page.locator(".goal-row", has_text="of $100,000.00")
    expect(mine).to_contain_text("Revenue (won deals)")
    expect(mine.locator(".goal-status")).to_have_text(re.compile("On track|At risk"))

    # Its progress is on the dashboard.
    visit(page, "/dashboard")
    goals = page.locator("#dashboard-goals")
    expect(goals).to_contain_text("Revenue (won deals)", timeout=FIRST_LOAD_MS)
    expect(goals).to_contain_text("of $100,000.00")
    expect(page.locator("#chart-funnel .main-svg").first).to_be_visible(timeout=FIRST_LOAD_MS)

    # A chart's numbers as a table.
    page.locator("#toggle-funnel").click()
    expect(page.locator("#table-funnel")).to_contain_text("Negotiation")

    # "Is our ICP working?": apply the suggested weights as a new version.
    calibration = page.locator("#icp-calibration")
    expect(calibration).to_contain_text("Lift of each criterion")
    expect(calibration.locator(".lift-table")).to_contain_text("industry")
    page.locator(".apply-suggestion").first.click()
    expect(page.locator("#rescore-message")).to_contain_text("All companies re-scored",
                                                             timeout=FIRST_LOAD_MS)
    visit(page, icp_url)
    expect(page.locator("#icp-version")).to_contain_text("version 2", timeout=FIRST_LOAD_MS)

    # The dashboard in dark mode (screenshot for review).
    visit(page, "/dashboard")
    expect(page.locator("#chart-trend .main-svg").first).to_be_visible(timeout=FIRST_LOAD_MS)
    page.locator("#color-mode-toggle").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    page.wait_for_timeout(500)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "goals_dashboard_dark.png"), full_page=True)
    page.locator("#color-mode-toggle").click()

    # The dashboard on a phone: nothing overflows sideways.
    phone = new_page(PHONE)
    try_demo(phone)
    expect(phone.locator("#dashboard-kpis")).to_be_visible()
    expect(phone.locator("#chart-funnel")).to_be_attached()
    phone.wait_for_timeout(1000)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
