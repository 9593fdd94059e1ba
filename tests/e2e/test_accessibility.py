"""The accessibility audit: axe-core on every page of the main journeys, in
light and dark mode, at desktop width and 390 px wide, must find no violation
of impact "serious" or "critical", nor of the page-structure rules (landmarks,
headings; tests/e2e/a11y.py).

The pages show a demo workspace (try_demo) to which the setup adds quotes and
invoices through the API, so the billing pages and their status pills have
rows. One signed-in session is made once and reused: each mode and size is one
browser context started from its storage state.

Set UPDOOT_A11Y_SHOTS=1 to save a screenshot of every audited page in
tests/e2e/screenshots/a11y/ (to look at both modes after a colour change).
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.a11y import audit, describe
from tests.e2e.conftest import DESKTOP, SCREENSHOT_DIR
from tests.e2e.journeys import FIRST_LOAD_MS, PHONE, try_demo, visit

pytestmark = pytest.mark.e2e

MODES = ("light", "dark")
SIZES = {"desktop": DESKTOP, "phone": PHONE}
SHOTS = os.environ.get("UPDOOT_A11Y_SHOTS") == "1"

# (name, path with {ids}, a selector that is there once the page's data is drawn)
PAGES = (
    ("landing", "/", "#cta-demo"),
    ("login", "/login", "#login-submit"),
    ("signup", "/signup", "#signup-submit"),
    ("dashboard", "/dashboard", "#chart-funnel .js-plotly-plot"),
    ("companies", "/companies", ".company-link"),
    ("company", "/companies/{company}", ".contact-row"),
    ("company import", "/companies/import", "input[type=file]"),
    ("pipeline", "/pipeline", ".deal-card"),
    ("deal", "/deals/{deal}", "#coverage-mark"),
    ("deal competitors", "/deals/{deal}/competitors", "#deal-stage"),
    ("profiles", "/profiles", "a[href^='/profiles/']:not(.skip-link)"),
    ("ICP wizard", "/profiles/new", "#field-name"),
    ("ICP", "/profiles/{icp}", ".persona-card"),
    ("competitors", "/competitors", ".competitor-row"),
    ("battlecard", "/competitors/{competitor}", "#win-rate-chart .js-plotly-plot"),
    ("competitor compare", "/competitors/compare?ids={competitor},{competitor2}",
     "#compare-table"),
    ("quotes", "/quotes", ".quote-row"),
    ("quote editor", "/quotes/{quote}", "#line-0-description"),
    ("public quote", "{public_quote}", "#accept-quote"),
    ("invoices", "/invoices", ".invoice-row"),
    ("invoice", "/invoices/{invoice}", "#record-payment"),
    ("goals", "/goals", ".goal-row"),
    ("settings", "/settings", "#token-name"),
    ("email settings", "/settings/email", "#placeholders li"),
    ("integrations settings", "/settings/integrations", "#webhook-url"),
    ("reminder settings", "/settings/reminders", ".reminder-step"),
    ("recurring invoices", "/invoices/recurring", "text=No recurring invoices yet."),
    ("pipeline stages", "/pipeline/stages", ".stage-name"),
)

LINES = [{"description": "Seats", "quantity": "12", "unit_price": "49.00", "tax_rate": "20"},
         {"description": "Onboarding", "quantity": "1", "unit_price": "900.00",
          "discount_pct": "10"}]


# --- the signed-in demo session, with billing documents ----------------------------------

def _api_token(page: Page) -> str:
    visit(page, "/settings")
    page.locator("#token-name").fill("a11y")
    page.locator("#token-submit").click()
    expect(page.locator("#new-token")).to_be_visible(timeout=FIRST_LOAD_MS)
    return page.locator("#new-token").inner_text().strip()


class _Api:
    def __init__(self, page: Page, token: str):
        self.request, self.headers = page.request, {"Authorization": f"Bearer {token}"}

    def get(self, path: str) -> dict:
        response = self.request.get("/api/v1" + path, headers=self.headers)
        assert response.ok, f"GET {path}: {response.status} {response.text()}"
        return response.json()

    def post(self, path: str, body: dict | None = None) -> dict:
        response = self.request.post("/api/v1" + path, headers=self.headers, data=body or {})
        assert response.ok, f"POST {path}: {response.status} {response.text()}"
        return response.json()


def _billing_documents(api: _Api, company_id: int) -> dict[str, str]:
    """A sent quote (its public link), a draft and an accepted one; a draft
    invoice, a partly paid one and a paid one: every status pill has a row."""
    quote = lambda: api.post("/quotes", {"company_id": company_id, "lines": LINES})  # noqa: E731
    sent = quote()
    public_url = api.post(f"/quotes/{sent['id']}/send")["public_url"]
    draft = quote()
    accepted = quote()
    api.post(f"/quotes/{accepted['id']}/send")
    api.post(f"/quotes/{accepted['id']}/accept", {"name": "Pat Client"})
    invoice = lambda: api.post("/invoices", {"company_id": company_id,  # noqa: E731
                                             "lines": LINES})
    invoice()
    partly, paid = invoice(), invoice()
    for inv, amount in ((partly, "100.00"), (paid, None)):
        sent_inv = api.post(f"/invoices/{inv['id']}/send")
        api.post(f"/invoices/{inv['id']}/payments",
                 {"amount": amount or sent_inv["balance"],
                  "paid_on": (date.today() - timedelta(days=1)).isoformat()})
    return {"quote": str(draft["id"]), "public_quote": re.sub(r"^https?://[^/]+", "", public_url),
            "invoice": str(partly["id"])}


@pytest.fixture(scope="module")
def demo(browser, server):
    """The storage state of a signed-in demo session, and the ids the pages need."""
    context = browser.new_context(base_url=server, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        try_demo(page)
        api = _Api(page, _api_token(page))
        company = api.get("/companies?page_size=1&sort=name")["items"][0]
        deal = api.get("/deals?stage=Qualified&page_size=1")["items"][0]
        icp = api.get("/icps")[0]
        competitors = api.get("/competitors")["items"]
        ids = {"company": str(company["id"]), "deal": str(deal["id"]), "icp": str(icp["id"]),
               "competitor": str(competitors[0]["id"]),
               "competitor2": str(competitors[1]["id"]),
               **_billing_documents(api, company["id"])}
        yield {"state": context.storage_state(), "ids": ids}
    finally:
        context.close()


def _context(browser, server, demo, mode: str, size: str):
    """A browser context in this colour mode and size, signed in as the demo user.
    The app follows the system's colour scheme unless the toggle stored one
    ("theme" in localStorage): both are set to the mode."""
    context = browser.new_context(base_url=server, viewport=SIZES[size], color_scheme=mode,
                                  storage_state=demo["state"])
    context.add_init_script(f"window.localStorage.setItem('theme', '{mode}');")
    context.set_default_timeout(15_000)
    context.set_default_navigation_timeout(30_000)
    return context


def open_page(page: Page, path: str, ready: str, mode: str) -> None:
    visit(page, path)
    expect(page.locator(ready).first).to_be_attached(timeout=FIRST_LOAD_MS)
    expect(page.locator("html")).to_have_class(re.compile(rf"\b{mode}\b"))
    page.wait_for_timeout(300)  # let transitions (Radix fades, colour changes) finish


# --- the audit --------------------------------------------------------------------------

@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("mode", MODES)
def test_no_serious_accessibility_violation(browser, server, demo, mode, size):
    context = _context(browser, server, demo, mode, size)
    failures = []
    try:
        page = context.new_page()
        for name, template, ready in PAGES:
            path = template.format(**demo["ids"])
            open_page(page, path, ready, mode)
            if SHOTS:
                folder = SCREENSHOT_DIR / "a11y"
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(folder / f"{name.replace(' ', '_')}-{mode}-{size}.png"),
                                full_page=True)
            found = audit(page)
            if found:
                failures.append(describe(f"{name} ({path}) [{mode}, {size}]", found))
    finally:
        context.close()
    assert not failures, "axe-core found violations:\n" + "\n".join(failures)


# --- the audit itself fails on a planted violation ---------------------------------------

@pytest.mark.parametrize("planted, rule", [
    ("<p id='planted' style='color:#bbb;background:#fff;font-size:14px'>faint text</p>",
     "color-contrast"),
    ("<img id='planted' src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>", "image-alt"),
])
def test_the_audit_reports_a_planted_violation(browser, server, planted, rule):
    context = browser.new_context(base_url=server, viewport=DESKTOP)
    try:
        page = context.new_page()
        open_page(page, "/login", "#login-submit", "light")
        page.evaluate("html => document.querySelector('main, body').insertAdjacentHTML("
                      "'afterbegin', html)", planted)
        found = {v["rule"]: v for v in audit(page)}
        assert rule in found, f"the audit missed the planted {rule}: {found}"
        assert any("#planted" in t for t in found[rule]["targets"]), found[rule]
        message = describe("login [light, desktop]", [found[rule]])
        assert rule in message and "#planted" in message and "login" in message
    finally:
        context.close()
