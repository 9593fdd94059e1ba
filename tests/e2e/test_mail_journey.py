"""The email journey: a quote is sent by email from its page (the dialog opens
prefilled from the contact and the template; a bad address is refused in the
dialog), the real SMTP server on loopback receives it with the PDF and the
accept link; the client opens that link in a fresh browser and accepts; the
owner converts the quote, sends the invoice by email (which finalises it),
sees "Sent" in the mail history; with reminders turned on in Settings →
Reminders, the clock moved to 7 days after the due date (`updoot jobs run-due
--date`, the injectable clock, no sleeps) sends the 7-day reminder; the owner
records the payment and the 14-day step sends nothing; Settings → Email shows
the outbox and sends a test email.

The server sends to the session's `mail_sink` (tests/e2e/conftest.py) with the
job consumer in its own process (`updoot serve`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import MAIL_FROM, PROJECT_ROOT, SCREENSHOT_DIR, SERVER_INFO
from tests.e2e.journeys import FIRST_LOAD_MS, PHONE, sign_up, visit
from tests.unit.mail_helpers import link_in, pdf_text

pytestmark = pytest.mark.e2e

CLIENT_EMAIL = "jane.buyer@acme.example"
LINE = {"description": "Seats", "quantity": "3", "unit_price": "19.99", "tax_rate": "20"}
TOTAL = "$71.96"   # 59.97 + 11.99 tax
SENT_MS = 30_000   # queue → SMTP → the history's watch


def shot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"mail_{name}.png"), full_page=True)


def add_client() -> None:
    """Into the newest workspace: Acme Corp with its contact Jane Buyer, who has
    an email address (as if typed in on the companies pages)."""
    from sqlalchemy import func
    from sqlmodel import Session, create_engine, select

    from updoot_app.models import Company, Contact, Workspace

    engine = create_engine(SERVER_INFO["database_url"])
    with Session(engine) as s:
        ws = s.exec(select(func.max(Workspace.id))).one()
        company = Company(workspace_id=ws, name="Acme Corp")
        s.add(company)
        s.flush()
        s.add(Contact(workspace_id=ws, company_id=company.id, first_name="Jane",
                      last_name="Buyer", title="CFO", email=CLIENT_EMAIL))
        s.commit()
    engine.dispose()


def pick(page: Page, trigger: str, option: str) -> None:
    page.locator(trigger).click()
    page.get_by_role("option", name=option).click()


def new_quote(page: Page, year: int) -> None:
    visit(page, "/quotes")
    page.locator("#new-quote").click()
    expect(page).to_have_url(re.compile(r".*/quotes/\d+$"), timeout=FIRST_LOAD_MS)
    expect(page.get_by_text(f"Quote Q-{year}-0001")).to_be_visible(timeout=FIRST_LOAD_MS)
    pick(page, "#field-company_id", "Acme Corp")
    page.locator("#field-contact_id").click()
    page.get_by_role("option", name="Jane Buyer · CFO").click()
    expect(page.locator("#field-contact_id")).to_contain_text("Jane Buyer")
    page.locator("#add-line").click()
    for key, value in LINE.items():
        box = page.locator(f"#line-0-{key}")
        box.fill(value)
        box.press("Tab")
        expect(box).to_have_value(value)
    expect(page.locator("#total")).to_have_text(TOTAL)


def run_due(day: date, mail_sink) -> str:
    """`updoot jobs run-due --date DAY` on the server's database and job queue: the
    server's in-process worker delivers what it queues."""
    env = dict(os.environ, DATABASE_URL=SERVER_INFO["database_url"],
               UPDOOT_JOBS_DB=SERVER_INFO["jobs_db"], UPDOOT_SMTP_URL=mail_sink.url,
               UPDOOT_MAIL_FROM=MAIL_FROM, PYTHONPATH=str(PROJECT_ROOT))
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "-m", "updoot_app.cli", "jobs", "run-due",
                             "--date", day.isoformat()], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def received(mail_sink, count: int):
    return mail_sink.wait_for(count, timeout_s=SENT_MS / 1000)[count - 1]


def test_quote_and_invoice_by_email(new_page, mail_sink):
    page = new_page()
    owner = f"mail-{uuid.uuid4().hex[:8]}@example.com"
    sign_up(page, email=owner, workspace="Mail Co")
    add_client()
    year = date.today().year
    before = len(mail_sink.received)
    new_quote(page, year)

    # the dialog opens prefilled; a bad address is said in the dialog
    page.locator("#email-quote").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator("#mail-to")).to_have_value(CLIENT_EMAIL)
    expect(dialog.locator("#mail-subject")).to_have_value(f"Quote Q-{year}-0001 from Mail Co")
    expect(dialog.locator("#mail-message")).to_contain_text(
        "(the accept link is added when sent)")
    dialog.locator("#mail-to").fill("not-an-address")
    dialog.locator("#mail-send").click()
    expect(dialog.get_by_role("alert")).to_contain_text("email")
    shot(page, "quote_dialog_error")
    dialog.locator("#mail-to").fill(f"{CLIENT_EMAIL}, boss@acme.example")
    dialog.locator("#mail-send").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_text("Sent", exact=True).first).to_be_visible()   # the quote's status

    message = received(mail_sink, before + 1)
    assert message["From"] == MAIL_FROM
    assert message["To"] == f"{CLIENT_EMAIL}, boss@acme.example"
    assert message["Subject"] == f"Quote Q-{year}-0001 from Mail Co"
    name, text = pdf_text(message)
    assert name == f"Q-{year}-0001.pdf" and f"Q-{year}-0001" in text and TOTAL in text
    body = message.get_body(("plain",)).get_content()
    assert "Hello Jane Buyer" in body and "(the accept link" not in body
    link = link_in(body)
    history = page.locator("#mail-history")
    expect(history.locator(".mail-row")).to_have_count(1)
    expect(history.locator(".mail-row").first).to_contain_text("Sent", timeout=SENT_MS)
    shot(page, "quote_sent")

    # the client, in a fresh browser on a phone, opens the link from the email
    client = new_page(PHONE)
    visit(client, link)
    expect(client.get_by_text(f"Quote Q-{year}-0001")).to_be_visible(timeout=FIRST_LOAD_MS)
    client.locator("#accept-name").fill("Jane Buyer")
    client.locator("#accept-quote").click()
    expect(client.locator("#accepted-note")).to_contain_text("Jane Buyer")

    visit(page, page.url)
    expect(page.get_by_text("Accepted by Jane Buyer.")).to_be_visible(timeout=FIRST_LOAD_MS)
    page.locator("#convert-quote").click()
    expect(page).to_have_url(re.compile(r".*/invoices/\d+$"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#total")).to_have_text(TOTAL, timeout=FIRST_LOAD_MS)

    # the draft invoice by email: finalised with its number on sending
    page.locator("#email-invoice").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Sending finalises this draft")).to_be_visible()
    expect(dialog.locator("#mail-to")).to_have_value(CLIENT_EMAIL)
    expect(dialog.locator("#mail-subject")).to_have_value("Invoice (numbered when sent) "
                                                          "from Mail Co")
    shot(page, "invoice_dialog")
    dialog.locator("#mail-send").click()
    expect(dialog).to_have_count(0)
    number = f"INV-{year}-0001"
    expect(page.get_by_role("heading", name=number)).to_be_visible()
    message = received(mail_sink, before + 2)
    assert message["Subject"] == f"Invoice {number} from Mail Co"
    name, text = pdf_text(message)
    assert name == f"{number}.pdf" and number in text and TOTAL in text
    history = page.locator("#mail-history")
    expect(history.locator(".mail-row").first).to_contain_text("Sent", timeout=SENT_MS)
    expect(history.locator(".mail-row").first).to_contain_text(f"Invoice {number}")

    invoice_url = page.url

    # reminders on (Settings → Reminders), then the clock moves past the due date
    visit(page, "/settings/reminders")
    switch = page.locator("#reminders-enabled")
    expect(switch).to_be_visible(timeout=FIRST_LOAD_MS)
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    due = date.today() + timedelta(days=30)          # the workspace's default terms
    out = run_due(due + timedelta(days=7), mail_sink)
    assert "1 payment reminder queued" in out, out
    reminder = received(mail_sink, before + 3)
    assert reminder["To"] == CLIENT_EMAIL and number in reminder["Subject"]
    assert number in pdf_text(reminder)[1]
    assert "0 payment reminders queued" in run_due(due + timedelta(days=7), mail_sink)
    visit(page, invoice_url)
    history = page.locator("#mail-history")
    expect(history.locator(".mail-row")).to_have_count(2, timeout=FIRST_LOAD_MS)
    expect(history.locator(".mail-row").first).to_contain_text("Sent", timeout=SENT_MS)
    shot(page, "invoice_reminded")

    page.locator("#payment-amount").fill("71.96")
    page.locator("#record-payment").click()
    expect(page.locator("#balance")).to_have_text("$0.00")
    expect(page.get_by_text("Paid", exact=True).first).to_be_visible()
    shot(page, "invoice_paid")
    # paid: the 14-day step sends nothing
    assert "0 payment reminders queued" in run_due(due + timedelta(days=14), mail_sink)
    page.wait_for_timeout(2000)
    assert len(mail_sink.received) == before + 3

    # Settings → Email: the server, the outbox with both messages, a test email
    visit(page, "/settings")
    page.locator("#email-settings-link").click()
    expect(page).to_have_url(re.compile(r".*/settings/email$"), timeout=FIRST_LOAD_MS)
    expect(page.locator("#smtp-status")).to_contain_text(f"127.0.0.1:{mail_sink.port}",
                                                         timeout=FIRST_LOAD_MS)
    expect(page.locator(".outbox-row")).to_have_count(3)
    expect(page.locator("#test-to")).to_have_value(owner)
    page.locator("#send-test").click()
    expect(page.locator(".outbox-row")).to_have_count(4)
    assert received(mail_sink, before + 4)["To"] == owner
    newest = page.locator(".outbox-row").first
    for _ in range(20):     # the page shows what it read: Refresh until the send is marked
        page.locator("#outbox-refresh").click()
        page.wait_for_timeout(500)
        if "Sent" in newest.inner_text():
            break
    expect(newest).to_contain_text("Test email")
    expect(newest).to_contain_text("Sent")
    shot(page, "settings_email")
