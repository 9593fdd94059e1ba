"""Three main journeys with the keyboard alone (issue 18), each from the page a
person lands on after signing up, which they also do with the keyboard:

- build an ICP with the wizard: name, kind (arrow keys in the radio group),
  values added and one removed, bounds, weights, every step with Next (the
  focus goes to the new step's title), saved and shown;
- create a quote (company and contact chosen in their selects, a line typed
  in) and send it with the "Send by email" dialog: the focus starts in the
  dialog, Escape gives it back to the button, the quote shows as sent and the
  SMTP sink receives the message;
- record two payments on an invoice (amount, date, method in the select,
  reference): the balance and the status change.

Only page.keyboard is used (tests/e2e/keyboard.py); the rows a journey needs
and that another journey makes (a client with an email address, a sent
invoice) are written to the server's database beforehand. The focus indicator
is checked at every Tab stop reached, and screenshots of the focused steps are
saved as tests/e2e/screenshots/keyboard_*.png.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SERVER_INFO
from tests.e2e.journeys import FIRST_LOAD_MS
from tests.e2e.keyboard import (
    assert_focus_visible,
    expect_focus_on,
    hold,
    open_from_nav,
    replace_text,
    shot,
    sign_up,
    tab_to,
    type_into,
)

pytestmark = pytest.mark.e2e

CLIENT_EMAIL = "jane.buyer@acme.example"
SENT_MS = 30_000   # queue → SMTP → the history's watch


def new_workspace(page: Page, prefix: str) -> str:
    workspace = f"{prefix} {uuid.uuid4().hex[:6]}"
    sign_up(page, email=f"keys-{uuid.uuid4().hex[:8]}@example.com", workspace=workspace)
    return workspace


# --- rows another journey makes, written to the server's database ------------------------

def _in_workspace(name: str, write) -> object:
    """Run `write(session, principal)` for the owner of the workspace `name`, commit."""
    from sqlmodel import Session, create_engine, select

    from updoot_app.models import Membership, User, Workspace
    from updoot_app.services.identity.access import Principal

    engine = create_engine(SERVER_INFO["database_url"])
    try:
        with Session(engine) as s:
            ws = s.exec(select(Workspace).where(Workspace.name == name)).one()
            member = s.exec(select(Membership).where(Membership.workspace_id == ws.id)).one()
            user = s.get(User, member.user_id)
            owner = Principal(user_id=user.id, email=user.email, name=user.name,
                              workspace_id=ws.id, workspace_name=ws.name,
                              workspace_slug=ws.slug, role=member.role)
            result = write(s, owner)
            s.commit()
            return result
    finally:
        engine.dispose()


def add_client(workspace: str) -> int:
    """Acme Corp, with its contact Jane Buyer who has an email address."""
    from updoot_app.models import Company, Contact

    def write(s, owner):
        company = Company(workspace_id=owner.workspace_id, name="Acme Corp")
        s.add(company)
        s.flush()
        s.add(Contact(workspace_id=owner.workspace_id, company_id=company.id,
                      first_name="Jane", last_name="Buyer", title="CFO", email=CLIENT_EMAIL))
        return company.id

    return _in_workspace(workspace, write)


def add_sent_invoice(workspace: str) -> None:
    """An invoice to Acme Corp of $72.00 (3 × $20.00 + 20 % tax), sent."""
    from updoot_app.services.billing import invoices

    company_id = add_client(workspace)

    def write(s, owner):
        invoice = invoices.create_invoice(s, owner, {"company_id": company_id, "lines": [
            {"description": "Seats", "quantity": "3", "unit_price": "20.00",
             "tax_rate": "20"}]})
        invoices.send_invoice(s, owner, invoice.id)

    _in_workspace(workspace, write)


# --- the journeys ------------------------------------------------------------------------

def wizard_next(page: Page, step: str) -> None:
    """Next, from wherever the focus is in the step: the new step's title gets it."""
    tab_to(page, "#wizard-next", "the Next button")
    page.keyboard.press("Enter")
    expect(page.locator("#wizard-step")).to_contain_text(step)
    expect_focus_on(page, "#wizard-step-title", f"the title of the step {step}")
    expect(page.locator("#wizard-step-title")).to_have_text(step)


def add_value(page: Page, key: str, value: str) -> None:
    """Type a value into a tag field and press Enter: it shows as a tag."""
    type_into(page, f"#add-{key}", f"the {key} field", value)
    page.keyboard.press("Enter")
    expect(page.locator(f"#values-{key}")).to_contain_text(value)


def criterion_row(page: Page, label: str):
    """The row of one criterion in the saved profile's scoring model."""
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name=label, exact=True))


def test_build_an_icp_with_the_wizard_with_the_keyboard_only(page: Page):
    new_workspace(page, "Wizard Keys")
    open_from_nav(page, "/profiles", "the Profiles link")
    tab_to(page, "#new-icp", "the New ICP link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r".*/profiles/new$"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#wizard-step")).to_contain_text("Start", timeout=FIRST_LOAD_MS)

    # Start: the name, then the kind with the arrow keys (they move and check).
    type_into(page, "#field-name", "the Name field", "Keyboard buyers")
    tab_to(page, '[role="radio"]', "the Kind radio group")
    expect(page.locator("#kind-b2b")).to_be_focused()
    shot(page, "wizard_kind")
    hold(page, "ArrowRight")
    expect(page.locator("#kind-b2c")).to_have_attribute("aria-checked", "true")
    expect_focus_on(page, "#kind-b2c", "the B2C radio")
    hold(page, "ArrowLeft")
    expect(page.locator("#kind-b2b")).to_have_attribute("aria-checked", "true")
    expect(page.locator("#kind-b2c")).to_have_attribute("aria-checked", "false")

    # Industries: three values with Enter, one taken out again with its own button.
    wizard_next(page, "Industries")
    shot(page, "wizard_step_title")
    for value in ("Technology", "Mining", "Finance"):
        add_value(page, "industries", value)
    tab_to(page, 'button.tag-remove[aria-label="Remove Mining"]', "the remove button of Mining")
    shot(page, "wizard_remove_tag")
    page.keyboard.press("Enter")
    expect(page.locator("#values-industries")).not_to_contain_text("Mining")
    expect_focus_on(page, "#add-industries", "the Industries field, after a removal")
    expect(page.locator("#values-industries")).to_contain_text("Technology")
    replace_text(page, "#weight-w_industry", "the weight of Industries", "40")

    # Company size: the bounds and the weight.
    wizard_next(page, "Company size")
    type_into(page, "#field-emp_min", "Employees, at least", "200")
    type_into(page, "#field-emp_max", "Employees, at most", "5000")
    replace_text(page, "#weight-w_employees", "the weight of Employees", "30")

    wizard_next(page, "Geography")
    add_value(page, "geography", "Europe")
    replace_text(page, "#weight-w_geography", "the weight of Geography", "30")
    page.keyboard.press("Tab")                  # leaves the field: the weight is kept
    expect(page.locator("#running-sum")).to_contain_text("100 / 100")

    wizard_next(page, "Signals")
    wizard_next(page, "Disqualifiers")
    # The last step has no Next: the focus is on its title, not lost on the page.
    wizard_next(page, "Weights & save")
    expect(page.locator("#wizard-next")).to_have_count(0)
    expect(page.locator("#weight-total")).to_have_text("100")
    tab_to(page, "#save-icp", "the Save profile button")
    shot(page, "wizard_save")
    page.keyboard.press("Enter")

    # Saved and shown: its page, with what was typed in.
    expect(page).to_have_url(re.compile(r".*/profiles/\d+$"), timeout=FIRST_LOAD_MS)
    expect(page.get_by_role("heading", level=1)).to_have_text("Keyboard buyers",
                                                              timeout=FIRST_LOAD_MS)
    expect(page.locator("#icp-version")).to_contain_text("version 1")
    industries = criterion_row(page, "Industries")
    expect(industries).to_contain_text("Technology")
    expect(industries).to_contain_text("Finance")
    expect(industries).not_to_contain_text("Mining")
    expect(industries.get_by_role("cell").last).to_have_text("40")
    expect(criterion_row(page, "Employees").get_by_role("cell").last).to_have_text("30")
    expect(criterion_row(page, "Geography").get_by_role("cell").last).to_have_text("30")
    open_from_nav(page, "/profiles", "the Profiles link")
    expect(page.get_by_role("link", name=re.compile("Keyboard buyers"))).to_be_visible(
        timeout=FIRST_LOAD_MS)


def choose(page: Page, trigger: str, what: str, typed: str, expected: str) -> None:
    """A Radix select: Enter opens it, typing goes to the option, Enter picks it
    and the focus goes back to the trigger."""
    tab_to(page, trigger, what)
    page.keyboard.press("Enter")
    expect(page.get_by_role("listbox")).to_be_visible()
    page.keyboard.type(typed)
    expect(page.get_by_role("option", name=expected)).to_have_attribute("data-highlighted", "")
    assert_focus_visible(page, f"the option {expected} of {what}")
    shot(page, f"select_{trigger.strip('#')}")
    page.keyboard.press("Enter")
    expect(page.get_by_role("listbox")).to_have_count(0)
    expect(page.locator(trigger)).to_contain_text(expected)
    expect_focus_on(page, trigger, what)


def test_create_a_quote_and_send_it_by_email_with_the_keyboard_only(page: Page, mail_sink):
    workspace = new_workspace(page, "Quote Keys")
    add_client(workspace)
    year = date.today().year
    before = len(mail_sink.received)
    open_from_nav(page, "/quotes", "the Quotes link")
    tab_to(page, "#new-quote", "the New quote button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r".*/quotes/\d+$"), timeout=FIRST_LOAD_MS)
    number = f"Q-{year}-0001"
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Quote {number}",
                                                              timeout=FIRST_LOAD_MS)

    # Addressed: a company, then one of its contacts.
    choose(page, "#field-company_id", "the Company select", "Acme", "Acme Corp")
    expect(page.locator("#field-contact_id")).to_be_enabled()
    choose(page, "#field-contact_id", "the Contact select", "Jane", "Jane Buyer · CFO")

    # A line: Add line puts the focus in the new line's description.
    tab_to(page, "#add-line", "the Add line button")
    page.keyboard.press("Enter")
    expect_focus_on(page, "#line-0-description", "the new line's description")
    page.keyboard.press("Control+A")
    page.keyboard.type("Seats")
    replace_text(page, "#line-0-quantity", "the quantity", "3")
    replace_text(page, "#line-0-unit_price", "the unit price", "19.99")
    replace_text(page, "#line-0-tax_rate", "the tax rate", "20")
    shot(page, "quote_line")
    page.keyboard.press("Tab")
    expect(page.locator("#total")).to_have_text("$71.96")

    # The dialog: the focus starts in it; Escape closes it and gives the focus back.
    tab_to(page, "#email-quote", "the Send by email button", backwards=True)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#mail-to")).to_have_value(CLIENT_EMAIL)
    expect_focus_on(page, "#mail-to", "the dialog's To field")
    shot(page, "mail_dialog")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect_focus_on(page, "#email-quote", "the Send by email button, after Escape")

    # Again, and sent: Tab stays in the dialog until its Send button.
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#mail-subject")).to_have_value(f"Quote {number} from {workspace}")
    tab_to(page, "#mail-send", "the dialog's Send button")
    shot(page, "mail_send")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(page.get_by_text("Sent", exact=True).first).to_be_visible()
    expect_focus_on(page, "#email-quote", "the Send by email button, after sending")

    message = mail_sink.wait_for(before + 1, timeout_s=SENT_MS / 1000)[before]
    assert message["To"] == CLIENT_EMAIL
    assert message["Subject"] == f"Quote {number} from {workspace}"
    history = page.locator("#mail-history .mail-row")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Sent", timeout=SENT_MS)
    shot(page, "quote_sent")


def test_record_payments_on_an_invoice_with_the_keyboard_only(page: Page):
    workspace = new_workspace(page, "Pay Keys")
    add_sent_invoice(workspace)
    open_from_nav(page, "/invoices", "the Invoices link")
    tab_to(page, "a.invoice-row", "the invoice's row")
    shot(page, "invoice_row")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r".*/invoices/\d+$"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#balance")).to_have_text("$72.00", timeout=FIRST_LOAD_MS)

    # A first payment: amount, the date typed into the date field, the method
    # picked in its select, a reference; Enter records it.
    paid_on = date.today() - timedelta(days=1)
    type_into(page, "#payment-amount", "the amount", "30")
    type_into(page, "#payment-date", "the date", paid_on.strftime("%m%d%Y"))
    expect(page.locator("#payment-date")).to_have_value(paid_on.isoformat())
    choose(page, "#payment-method", "the payment method", "Card", "Card")
    type_into(page, "#payment-ref", "the reference", "Card ref 42")
    shot(page, "payment_form")
    page.keyboard.press("Enter")
    expect(page.locator("#balance")).to_have_text("$42.00")
    expect(page.locator("#paid")).to_have_text("$30.00")
    expect(page.get_by_text("Partially paid").first).to_be_visible()
    payments = page.get_by_role("heading", name="Payments").locator("..")
    expect(payments).to_contain_text(f"{paid_on.isoformat()} · card")
    expect(payments).to_contain_text("Card ref 42")

    # The rest, with the Record payment button: paid in full.
    type_into(page, "#payment-amount", "the amount", "42", backwards=True)
    tab_to(page, "#record-payment", "the Record payment button")
    shot(page, "record_payment")
    page.keyboard.press("Space")
    expect(page.locator("#balance")).to_have_text("$0.00")
    expect(page.get_by_text("Paid", exact=True).first).to_be_visible()
    expect(page.locator("#record-payment")).to_have_count(0)
    # The form is gone with the button that had the focus: it is on the card's title.
    expect_focus_on(page, "#payments-heading", "the Payments title, once paid")
    shot(page, "invoice_paid")
