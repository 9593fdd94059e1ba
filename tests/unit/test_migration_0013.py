"""0013_accountant_invoices on a database of today's schema with data: existing
invoices keep their numbers, totals, payments and status; the triggers of 0009
and 0010 survive (only ADD COLUMN, no table rebuild); credit notes work on the
old invoices afterwards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from sqlalchemy import inspect, text

from tests.unit.billing_helpers import invoice_data, new_invoice, principal
from updoot_app import db, migrations
from updoot_app.services.billing import credit_notes, invoices

BEFORE = "0010_auth_epoch"


def triggers() -> set[str]:
    engine = db.get_engine()
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
        else:
            rows = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
        return {r[0] for r in rows}


def test_upgrade_from_0010_keeps_invoices_and_triggers(alice):
    p = principal(alice)
    paid = new_invoice(alice)
    invoices.finalise(p, paid)
    with db.write_scope() as s:
        invoices.record_payment(s, p, paid, {"amount": "20.00"})
    draft = new_invoice(alice)
    before = {i: invoice_data(alice, i) for i in (paid, draft)}
    kept = triggers()
    assert kept  # 0009's and 0010's

    migrations.downgrade(BEFORE)
    columns = {c["name"] for c in inspect(db.get_engine()).get_columns("invoices")}
    assert "amount_credited" not in columns and "credit_notes" not in set(
        inspect(db.get_engine()).get_table_names())
    with db.get_engine().connect() as conn:  # the rows of today's schema are all there
        assert conn.execute(text("SELECT number, total FROM invoices ORDER BY id")).all() == [
            (f"INV-{date.today().year}-0001", 734500), (None, 734500)]

    migrations.upgrade()
    assert triggers() == kept
    after = {i: invoice_data(alice, i) for i in (paid, draft)}
    for i in (paid, draft):
        for key in ("number", "status", "subtotal", "discount_total", "tax_total", "total",
                    "amount_paid", "balance", "lines", "payments"):
            assert after[i][key] == before[i][key], key
        assert after[i]["amount_credited"] == D(0) and after[i]["credit_notes"] == []
        assert after[i]["prices_include_tax"] is False
    note = credit_notes.issue_credit_note(p, paid, {"all": True, "reason": "after upgrade"})
    assert note and invoice_data(alice, paid)["balance"] == D("-20.00")
