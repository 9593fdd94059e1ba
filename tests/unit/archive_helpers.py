"""A workspace with a row in every table an archive or a migration must carry: the
demo (ICP, personas, companies, contacts, deals, competitors, interactions...)
plus billing (a product, quotes, invoices numbered and paid, a logo), a reminder
schedule and a recurring invoice that has run once."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from types import SimpleNamespace

from PIL import Image
from sqlmodel import select

from tests.unit.billing_helpers import EXAMPLE_LINES
from updoot_app import db
from updoot_app.models import Company, MailSettings
from updoot_app.services.billing import (
    credit_notes,
    documents,
    invoices,
    logo,
    products,
    quote_answers,
    quotes,
)
from updoot_app.services.crm import follow_ups, signals
from updoot_app.services.demo import lifecycle
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.mail import recurring, recurring_runs, reminder_schedule

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def seed_full_workspace(companies: int = 25) -> SimpleNamespace:
    """The demo workspace with billing on top; returns its id, slug and owner's token."""
    with db.session_scope() as s:
        workspace, token = lifecycle.create_demo(s, companies=companies, seed=7, now=NOW)
        ws = SimpleNamespace(id=workspace.id, slug=workspace.slug, token=token)
    with db.session_scope() as s:
        p = resolve_session(s, token)
        products.create_product(s, p, {"name": "Seat", "unit_price": "19.99", "tax_rate": "20"})
        logo.set_logo(s, p, png())
        documents.update_settings(s, p, {"invoice_prefix": "FAC", "address": "1 Main St"})
        s.add(MailSettings(workspace_id=ws.id, quote_subject="Your quote {number}"))
    with db.write_scope() as s:
        quote = quotes.create_quote(s, p, {"lines": EXAMPLE_LINES})
        _sent, public_token = quotes.send_quote(s, p, quote.id)
        quote_id = quote.id
    with db.write_scope() as s:
        quote_answers.public_accept(s, public_token, "Jane Client")
    invoice_id, _created = quotes.convert_quote(p, quote_id)
    invoices.finalise(p, invoice_id)
    with db.session_scope() as s:
        invoices.record_payment(s, p, invoice_id, {"amount": "20.00", "paid_on": "2026-11-21"})
        second = invoices.create_invoice(s, p, {"lines": EXAMPLE_LINES[:1]}).id
    invoices.finalise(p, second)
    with db.session_scope() as s:
        invoices.create_invoice(s, p, {"lines": EXAMPLE_LINES[1:]})  # a draft, unnumbered
        reminder_schedule.update_schedule(s, p, {"enabled": True, "steps": [
            {"offset_days": 7, "subject": "Invoice {number} is overdue",
             "message": "Hello {contact}, {balance} is due."}]})
        recurring.create_schedule(s, p, {"invoice_id": second, "frequency": "monthly",
                                         "start_date": documents.today().isoformat(),
                                         "count": 3, "email_each": False})
    recurring_runs.run_due_recurring(documents.today())   # one run: a third invoice
    note = credit_notes.issue_credit_note(p, invoice_id, {"all": True, "reason": "Returned"})
    with db.session_scope() as s:   # 20.00 was paid on it: paid back
        credit_notes.record_refund(s, p, note, {"amount": "20.00", "paid_on": "2026-11-22"})
    with db.session_scope() as s:   # a buying signal and a follow-up on a demo company
        company_id = s.exec(select(Company.id).where(Company.workspace_id == ws.id)
                            .order_by(Company.id)).first()
        signals.record_signal(s, p, company_id, {"trigger": "recent funding",
                                                 "occurred_on": "2026-11-15"})
        follow_ups.create_follow_up(s, p, {"title": "Call about the funding", "type": "call",
                                           "due_on": "2026-11-25", "company_id": company_id})
    return ws
