"""Every form control has a name a screen reader can announce, taken from a
real label (`<label for>`, aria-labelledby, or aria-label where no visible label
fits, e.g. a control in a table row). Finding the main fields by their visible
label is checked in tests/e2e/test_form_label_lookup.py.

The names are the browser's own: Chromium's accessibility tree (over CDP)
gives each control's computed name and where it came from. A name that comes
only from a placeholder or a tooltip does not count (it disappears as soon as
the field is filled), and two controls of one page must not share a name
("Quantity" on every line of a quote says nothing about which line).

The audit walks every page that has a form, as a signed-in user of a demo
workspace, with its dialogs open and the wizard at each step, then the pages of
someone without an account (sign up, log in, an invite, a public quote), and
fails once, listing every offender as "page: control (why)".
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.e2e.journeys import FIRST_LOAD_MS, PHONE, sign_up, try_demo, visit

pytestmark = pytest.mark.e2e

CONTROLS = ", ".join([
    "input:not([type=hidden])", "select", "textarea", "[role=combobox]", "[role=listbox]",
    "[role=checkbox]", "[role=switch]", "[role=radio]", "[role=slider]", "[role=spinbutton]",
    "[role=textbox]", "[role=searchbox]",
])

# Marks the visible controls (skipping what assistive technology does not see:
# aria-hidden subtrees, which include Radix's hidden native <select> and
# checkbox inputs, and everything behind an open modal dialog) and describes
# each one for a readable failure.
MARK_JS = """(selector) => {
  document.querySelectorAll('[data-label-probe]').forEach(e => e.removeAttribute('data-label-probe'));
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('[aria-hidden="true"], [inert]')) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) continue;
    el.setAttribute('data-label-probe', String(out.length));
    const a = (k) => el.getAttribute(k);
    let d = el.tagName.toLowerCase();
    if (a('type') && d === 'input') d += `[type=${a('type')}]`;
    if (a('role')) d += `[role=${a('role')}]`;
    if (el.id) d += `#${el.id}`;
    if (a('name')) d += `[name=${a('name')}]`;
    if (a('placeholder')) d += ` placeholder="${a('placeholder')}"`;
    const text = (el.innerText || '').trim().slice(0, 40);
    if (text) d += ` showing "${text}"`;
    out.push(d);
  }
  return out;
}"""

OK_SOURCES = {"label", "aria-labelledby", "aria-label"}
CONTENT_NAMED = {"radio", "checkbox", "switch"}  # text on the control itself is its label


def _source(name: dict) -> str:
    """Where Chromium took the name from: the first source with a value that
    nothing supersedes."""
    for src in name.get("sources", []):
        if "value" not in src or src.get("superseded"):
            continue
        if src.get("type") == "relatedElement":
            return "aria-labelledby" if src.get("attribute") == "aria-labelledby" else "label"
        if src.get("type") == "placeholder":
            return "placeholder"
        if src.get("type") == "contents":
            return "contents"
        return src.get("attribute", src.get("type", "?"))
    return "none"


def audit(page: Page, where: str) -> list[str]:
    """Offenders among the controls visible now, each as "where: control (why)"."""
    page.wait_for_load_state("networkidle")
    for attempt in range(3):
        page.wait_for_timeout(250)  # let React settle after the last event
        try:
            found = _names(page)
            break
        except PlaywrightError:  # React replaced a node between two CDP calls
            if attempt == 2:
                raise
    return _offenders(found, where)


def _names(page: Page) -> list[tuple[str, str, str, str]]:
    """(description, role, accessible name, name source) of each visible control."""
    described = page.evaluate(MARK_JS, CONTROLS)
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node_ids = cdp.send("DOM.querySelectorAll",
                            {"nodeId": root, "selector": "[data-label-probe]"})["nodeIds"]
        found: list[tuple[str, str, str, str]] = []
        for node_id in node_ids:
            attrs = cdp.send("DOM.getAttributes", {"nodeId": node_id})["attributes"]
            index = int(dict(zip(attrs[::2], attrs[1::2], strict=True))["data-label-probe"])
            node = cdp.send("Accessibility.getPartialAXTree",
                            {"nodeId": node_id, "fetchRelatives": False})["nodes"][0]
            name = node.get("name", {})
            found.append((described[index], node.get("role", {}).get("value", ""),
                          (name.get("value") or "").strip(), _source(name)))
    finally:
        cdp.detach()
    return found


def _offenders(found: list[tuple[str, str, str, str]], where: str) -> list[str]:
    offenders = []
    names: dict[str, int] = {}
    for _desc, role, name, source in found:
        if name and (source in OK_SOURCES or (source == "contents" and role in CONTENT_NAMED)):
            names[name.casefold()] = names.get(name.casefold(), 0) + 1
    for desc, role, name, source in found:
        if not name:
            offenders.append(f"{where}: {desc} (no accessible name)")
        elif source == "contents" and role in CONTENT_NAMED:
            if names[name.casefold()] > 1:
                offenders.append(f"{where}: {desc} (named {name!r}, like another control)")
        elif source not in OK_SOURCES:
            offenders.append(f"{where}: {desc} (named {name!r} only by its {source})")
        elif names[name.casefold()] > 1:
            offenders.append(f"{where}: {desc} (named {name!r}, like another control)")
    print(f"[labels] {where}: {len(found)} controls, {len(offenders)} unlabelled")
    return offenders


class Audit:
    """Collects offenders over many pages, and how many controls were seen."""

    def __init__(self) -> None:
        self.offenders: list[str] = []
        self.pages = 0

    def __call__(self, page: Page, where: str) -> None:
        self.offenders += audit(page, where)
        self.pages += 1

    def check(self) -> None:
        by_page: dict[str, int] = {}
        for o in self.offenders:
            by_page[o.split(": ", 1)[0]] = by_page.get(o.split(": ", 1)[0], 0) + 1
        assert not self.offenders, (
            f"{len(self.offenders)} form controls without a proper accessible name on "
            f"{len(by_page)} of {self.pages} page states {by_page}:\n  "
            + "\n  ".join(self.offenders))


def pick_first_option(page: Page, trigger) -> None:
    trigger.click()
    page.get_by_role("option").first.click()


def close_dialog(page: Page) -> None:
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)


CSV = b"Name,Website,Country,Tags\r\nZebra SA,zebra.fr,FR,import\r\n"


def walk_workspace_pages(page: Page, check: Audit, tmp_path: Path) -> dict[str, str]:
    """Every page of a signed-in demo user that has a form, in the states that
    show more controls; returns the links a person without an account opens."""
    links = {}
    visit(page, "/dashboard")
    check(page, "/dashboard")

    visit(page, "/companies")
    expect(page.locator(".company-link").first).to_be_visible(timeout=FIRST_LOAD_MS)
    check(page, "/companies")
    page.locator("#add-company").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    check(page, "/companies, add dialog")
    close_dialog(page)
    page.locator(".company-link").first.click()
    expect(page).to_have_url(re.compile(r".*/companies/\d+$"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#save-company")).to_be_visible(timeout=FIRST_LOAD_MS)
    check(page, "/companies/<id>")

    visit(page, "/companies/import")
    csv_path = tmp_path / "labels.csv"
    csv_path.write_bytes(CSV)
    page.locator("#companies-csv input[type=file]").set_input_files(str(csv_path))
    expect(page.locator("#preview")).to_contain_text("Zebra SA", timeout=FIRST_LOAD_MS)
    check(page, "/companies/import, mapping")

    visit(page, "/pipeline")
    card = page.locator(".deal-card").first
    expect(card).to_be_visible(timeout=FIRST_LOAD_MS)
    deal_href = card.locator(".deal-link").get_attribute("href")
    check(page, "/pipeline")
    page.get_by_role("radio", name="List").click()
    expect(page.locator(".list-row").first).to_be_visible()
    check(page, "/pipeline, list view")
    page.get_by_role("radio", name="Board").click()
    card = page.locator(".deal-card").first
    card.locator(".move-button").click()
    page.locator('#move-menu .move-option[data-stage="Lost"]').click()
    expect(page.get_by_role("dialog")).to_contain_text("Why was it lost?")
    check(page, "/pipeline, lost dialog")
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()

    visit(page, "/pipeline/stages")
    expect(page.locator(".stage-name").first).to_be_visible(timeout=FIRST_LOAD_MS)
    check(page, "/pipeline/stages")

    visit(page, deal_href)
    expect(page.locator("#log-submit")).to_be_visible(timeout=FIRST_LOAD_MS)
    check(page, "/deals/<id>")
    visit(page, deal_href + "/competitors")
    expect(page.locator("#deal-title")).not_to_be_empty(timeout=FIRST_LOAD_MS)
    check(page, "/deals/<id>/competitors")

    visit(page, "/profiles/new?template=cybersecurity")  # filled in: every weight shows
    expect(page.locator("#running-sum")).to_contain_text("100 / 100", timeout=FIRST_LOAD_MS)
    for step in range(7):
        check(page, f"/profiles/new, step {step + 1}")
        if step < 6:
            page.locator("#wizard-next").click()
            expect(page.locator("#wizard-step")).to_contain_text(f"Step {step + 2} of")

    visit(page, "/profiles")
    page.locator('a[href^="/profiles/"]:not([href^="/profiles/new"]):not([href^="/profiles/suggest"]):not(.skip-link)').first.click()
    expect(page.locator("#icp-version")).to_be_visible(timeout=FIRST_LOAD_MS)
    check(page, "/profiles/<id>")
    page.locator("#add-persona").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    check(page, "/profiles/<id>, persona dialog")
    close_dialog(page)

    visit(page, "/competitors")
    expect(page.locator(".competitor-row").first).to_be_visible(timeout=FIRST_LOAD_MS)
    check(page, "/competitors")
    page.locator("#new-competitor").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    check(page, "/competitors, new dialog")
    close_dialog(page)
    page.locator(".competitor-row a").first.click()
    expect(page.locator("#save-competitor")).to_be_visible(timeout=FIRST_LOAD_MS)
    check(page, "/competitors/<id>")
    visit(page, "/competitors/compare")
    expect(page.locator("#compare-add")).to_be_visible(timeout=FIRST_LOAD_MS)
    pick_first_option(page, page.locator("#compare-add"))
    expect(page.locator("#compare-table")).to_contain_text("Strengths")
    check(page, "/competitors/compare")

    visit(page, "/goals")
    expect(page.locator(".goal-row").first).to_be_visible(timeout=FIRST_LOAD_MS)
    combos = page.locator("form").get_by_role("combobox")
    combos.nth(0).click()  # Metric: a conversion rate shows the stage select
    page.get_by_role("option", name=re.compile("conversion", re.I)).first.click()
    combos.nth(1).click()  # Period: a custom range shows "Ending"
    page.get_by_role("option", name="Custom range").click()
    check(page, "/goals")

    visit(page, "/quotes")
    expect(page.locator("#product-name")).to_be_visible(timeout=FIRST_LOAD_MS)
    page.locator("#product-name").fill("Seat")
    page.locator("#product-price").fill("10.00")
    page.locator("#add-product").click()
    expect(page.get_by_text("Seat", exact=True)).to_be_visible()
    check(page, "/quotes")
    page.locator("#new-quote").click()
    expect(page).to_have_url(re.compile(r".*/quotes/\d+$"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#field-company_id")).to_be_visible(timeout=FIRST_LOAD_MS)
    pick_first_option(page, page.locator("#field-company_id"))
    for i in range(2):
        page.locator("#add-line").click()
        expect(page.locator(f"#line-{i}-description")).to_be_visible()
    page.locator("#line-0-description").fill("Seats")
    page.locator("#line-0-unit_price").fill("10")
    page.locator("#line-0-unit_price").press("Tab")
    check(page, "/quotes/<id>, draft")
    page.locator("#send-quote").click()
    expect(page.locator("#public-link")).to_contain_text("/q/q_")
    links["public quote"] = page.locator("#public-link").inner_text().strip()

    visit(page, "/invoices")
    expect(page.locator("#new-invoice")).to_be_visible(timeout=FIRST_LOAD_MS)
    check(page, "/invoices")
    page.locator("#new-invoice").click()
    expect(page).to_have_url(re.compile(r".*/invoices/\d+$"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#field-company_id")).to_be_visible(timeout=FIRST_LOAD_MS)
    pick_first_option(page, page.locator("#field-company_id"))
    page.locator("#add-line").click()
    page.locator("#line-0-description").fill("Setup")
    page.locator("#line-0-unit_price").fill("100")
    page.locator("#line-0-unit_price").press("Tab")
    expect(page.locator("#total")).not_to_have_text("$0.00")
    check(page, "/invoices/<id>, draft")
    page.locator("#email-invoice").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    check(page, "/invoices/<id>, send by email dialog")
    close_dialog(page)
    page.locator("#send-invoice").click()
    expect(page.locator("#record-payment")).to_be_visible(timeout=FIRST_LOAD_MS)
    check(page, "/invoices/<id>, sent")
    page.locator("#void-invoice").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    check(page, "/invoices/<id>, void dialog")
    close_dialog(page)

    visit(page, "/settings")
    expect(page.locator("#invite-email")).to_be_visible(timeout=FIRST_LOAD_MS)
    page.locator("#invite-email").fill(f"invitee-{uuid.uuid4().hex[:8]}@example.com")
    page.locator("#invite-submit").click()
    expect(page.locator("#invite-link")).to_contain_text("/invite/")
    links["invite"] = page.locator("#invite-link").inner_text().strip()
    check(page, "/settings")
    visit(page, "/settings/email")
    expect(page.locator("#tpl-quote-subject")).to_be_visible(timeout=FIRST_LOAD_MS)
    check(page, "/settings/email")
    return links


def test_every_form_control_has_a_name_from_a_label(new_page, tmp_path):
    check = Audit()
    newcomer = new_page()
    visit(newcomer, "/signup")
    check(newcomer, "/signup")
    visit(newcomer, "/login")
    check(newcomer, "/login")
    sign_up(newcomer, email=f"labels-{uuid.uuid4().hex[:8]}@example.com",
            workspace="Labels Co")
    visit(newcomer, "/settings")
    expect(newcomer.locator("#password-submit")).to_be_visible(timeout=FIRST_LOAD_MS)
    check(newcomer, "/settings (own workspace)")

    page = new_page()
    try_demo(page)
    links = walk_workspace_pages(page, check, tmp_path)

    guest = new_page()
    visit(guest, links["invite"])
    expect(guest.locator("#invite-accept")).to_be_visible(timeout=FIRST_LOAD_MS)
    check(guest, "/invite/<token>")
    visit(guest, links["public quote"])
    expect(guest.locator("#accept-quote")).to_be_visible(timeout=FIRST_LOAD_MS)
    check(guest, "/q/<token>")
    check.check()


def test_forms_at_phone_width(new_page):
    """The phone layout shows the same controls, still named."""
    check = Audit()
    page = new_page(PHONE)
    visit(page, "/signup")
    check(page, "/signup (390 px)")
    try_demo(page)
    for path in ("/companies", "/goals", "/settings"):
        visit(page, path)
        expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=FIRST_LOAD_MS)
        page.wait_for_load_state("networkidle")
        check(page, f"{path} (390 px)")
    check.check()
