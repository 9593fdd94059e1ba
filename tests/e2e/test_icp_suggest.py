"""Start from your best customers, on the demo: the evidence of the demo's story (its
winners show a security trigger), the draft's backtest beside the current ICP's
(whose tiers sort the deals A > B > C > D), the draft opened in the wizard unsaved,
then saved, which re-scores."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOT_DIR
from tests.e2e.journeys import FIRST_LOAD_MS, try_demo, visit

pytestmark = pytest.mark.e2e

SECURITY_TRIGGER = re.compile(r"(data breach|new regulation|audit|rapid hiring) \(trigger\): "
                              r"\d+ of \d+ best customers \(\d+ %\) vs \d+ % of the rest, "
                              r"lift (\d+\.\d)")


def win_rate(text: str) -> int:
    return int(re.match(r"(\d+) %", text).group(1))


def test_start_from_best_customers_on_the_demo(page: Page):
    try_demo(page)
    visit(page, "/profiles")
    page.locator("#start-from-best").click()
    expect(page.locator("#suggest-message")).to_contain_text("best customers compared with",
                                                             timeout=FIRST_LOAD_MS)
    evidence = page.locator("#suggest-evidence .evidence-line")
    expect(evidence.first).to_be_visible()
    in_draft = page.locator("#suggest-evidence .evidence-line", has_text="in the draft")
    assert in_draft.count() >= 1
    # The security trigger is the demo's story: its lift shows in the evidence. Whether
    # it also makes the draft depends on the other lines this demo's random seed drew
    # (once in a CI run, three tech-stack lines outranked it), so only the lift is asserted.
    lifts = [float(m.group(2)) for t in evidence.all_inner_texts()
             if (m := SECURITY_TRIGGER.search(t))]
    assert lifts and max(lifts) > 1.0, evidence.all_inner_texts()
    # The backtest: the current ICP's tiers sort the demo's deals A > B > C > D.
    tiers = page.locator("#backtest-tiers tbody tr")
    expect(tiers).to_have_count(5)
    current = [tiers.nth(i).locator("td").nth(1).inner_text() for i in range(4)]
    rates = [win_rate(c) for c in current]
    assert rates == sorted(rates, reverse=True) and rates[0] > rates[3], current
    expect(page.locator("#backtest-figures")).to_contain_text("AUC of score vs won")
    weights = [int(w.split()[0]) for w in
               page.locator("#suggest-draft .draft-criterion .rt-Badge").all_inner_texts()]
    assert sum(weights) == 100, weights
    page.screenshot(path=str(SCREENSHOT_DIR / "icp_suggest_page.png"), full_page=True)

    # Another meaning of best: the top 10 by won revenue.
    page.locator("#suggest-best").click()
    page.get_by_role("option", name="Top N by won revenue").click()
    page.locator("#suggest-top").fill("10")
    page.locator("#suggest-run").click()
    expect(page.locator("#suggest-message")).to_contain_text("10 best customers compared")

    # Open the draft in the wizard: filled in, nothing saved until Save.
    page.locator("#suggest-best").click()
    page.get_by_role("option", name="Companies with a won deal").click()
    page.locator("#suggest-run").click()
    expect(page.locator("#suggest-message")).not_to_contain_text("10 best customers")
    page.locator("#open-draft").click()
    expect(page.locator("#wizard-step")).to_contain_text("Start", timeout=FIRST_LOAD_MS)
    expect(page.locator("#running-sum")).to_contain_text("100 / 100")
    expect(page.locator("#field-name")).to_have_value("Like our customers with won deals")
    page.locator("#field-name").fill("Learned from our wins")
    page.locator("#field-name").blur()
    for step in ("Industries", "Company size", "Geography", "Signals", "Disqualifiers",
                 "Weights & save"):
        page.locator("#wizard-next").click()
        expect(page.locator("#wizard-step")).to_contain_text(step)
    page.locator("#run-backtest").click()  # before saving: the draft beside the active ICP
    expect(page.locator("#wizard-backtest-tiers tbody tr")).to_have_count(5)
    expect(page.locator("#wizard-backtest-figures")).to_contain_text("AUC of score vs won")
    page.locator("#save-icp").click()
    expect(page).to_have_url(re.compile(r".*/profiles/\d+$"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#rescore-message")).to_contain_text("All companies re-scored",
                                                             timeout=FIRST_LOAD_MS)
    expect(page.locator("#icp-backtest-tiers tbody tr")).to_have_count(5)
    visit(page, "/profiles")
    expect(page.get_by_text("Learned from our wins")).to_be_visible(timeout=FIRST_LOAD_MS)


def test_a_call_with_an_objection_updates_the_personas_insights(page: Page):
    try_demo(page)
    visit(page, "/companies")
    page.locator(".company-link").first.click()
    expect(page).to_have_url(re.compile(r".*/companies/\d+$"), timeout=FIRST_LOAD_MS)
    page.locator("#log-summary").fill("Pricing call with procurement")
    page.locator("#log-persona").click()
    page.get_by_role("option", name=re.compile(r"^Procurement Pat")).click()
    page.locator("#log-objections").fill("Needs a legal review; We already pay for "
                                         "something similar")
    page.locator("#log-interaction").click()
    expect(page.locator(".interaction-row").first).to_contain_text(
        "Objections: Needs a legal review; We already pay for something similar")

    visit(page, "/profiles")
    page.locator("h2", has_text="Mid-market security buyers").click()
    expect(page).to_have_url(re.compile(r".*/profiles/\d+$"), timeout=FIRST_LOAD_MS)
    page.locator(".persona-card", has_text="Procurement Pat") \
        .locator(".persona-insights-link").click()
    expect(page).to_have_url(re.compile(r".*/personas/\d+$"), timeout=FIRST_LOAD_MS)
    table = page.locator("#objection-table")
    listed = table.locator("tr", has_text="We already pay for something similar")
    expect(listed).to_contain_text("1")
    expect(listed).to_contain_text("on the persona")
    new = table.locator("tr", has_text="Needs a legal review")
    expect(new).to_contain_text("heard, not on the persona")
    expect(page.locator("#rate-with")).to_contain_text("closed deals")
    page.screenshot(path=str(SCREENSHOT_DIR / "persona_insights_page.png"), full_page=True)
