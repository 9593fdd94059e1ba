"""CSV export of quotes and invoices (money through money_text, statuses as the
screen shows them, formula-like cells neutralised, one workspace only), the
zip of every kind, and `updoot export --workspace SLUG --out FILE.zip`."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

from click.testing import CliRunner
from sqlmodel import select

from tests.unit.billing_helpers import (
    accepted_quote,
    new_invoice,
    new_quote,
    principal,
    send,
)
from updoot_app import db
from updoot_app.cli import main
from updoot_app.models import Invoice, Quote
from updoot_app.services.archive import export
from updoot_app.services.billing import invoices, quotes
from updoot_app.services.crm import companies, contacts, deals


def rows_of(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def seed(actor) -> dict:
    """A company with a formula-like name, its contact and deal; a draft, a sent
    (then expired) and an accepted quote; a draft, a partly paid (then overdue)
    and a void invoice."""
    p = principal(actor)
    with db.session_scope() as s:
        company = companies.create_company(s, p, {"name": "=HYPERLINK(\"x\")", "domain": "f.io"})
        contact = contacts.create_contact(s, p, {"first_name": "Jane", "last_name": "Doe",
                                                 "company_id": company.id})
        deal = deals.create_deal(s, p, {"company_id": company.id, "title": "+Big deal",
                                         "value": "10", "currency": "USD"})
        party = {"company_id": company.id, "contact_id": contact.id, "deal_id": deal.id}
    draft_q = new_quote(actor, **party)
    sent_q = new_quote(actor)
    send(actor, sent_q)
    accepted_q = accepted_quote(actor)
    draft_i = new_invoice(actor, **party)
    paid_i = new_invoice(actor)
    invoices.finalise(p, paid_i)
    void_i = new_invoice(actor, currency="JPY", lines=[
        {"description": "Widget", "quantity": "3", "unit_price": "333.5", "tax_rate": "10"}])
    invoices.finalise(p, void_i)
    with db.session_scope() as s:
        invoices.record_payment(s, p, paid_i, {"amount": "20"})
        invoices.void_invoice(s, p, void_i, "duplicate")
        # time passes: the sent quote expires, the sent invoice falls due
        past = quotes.today() - timedelta(days=3)
        quote = s.get(Quote, sent_q)
        quote.issue_date, quote.valid_until = past - timedelta(days=30), past
        invoice = s.get(Invoice, paid_i)
        invoice.issue_date, invoice.due_date = past - timedelta(days=30), past
        s.add_all([quote, invoice])
    return {"quotes": [draft_q, sent_q, accepted_q], "invoices": [draft_i, paid_i, void_i]}


def test_quotes_csv(alice, bob):
    seed(alice)
    new_quote(bob, notes="bob's")
    with db.session_scope() as s:
        data = export.export_csv(s, principal(alice), "quotes")
        numbers = [q.number for q in s.exec(select(Quote).where(
            Quote.workspace_id == alice.workspace_id).order_by(Quote.id))]
    rows = rows_of(data)
    assert list(rows[0]) == export.QUOTE_COLUMNS
    assert [r["number"] for r in rows] == numbers  # alice's only
    assert [r["status"] for r in rows] == ["draft", "expired", "accepted"]
    first = rows[0]
    assert first["company"] == "'=HYPERLINK(\"x\")" and first["deal"] == "'+Big deal"
    assert first["contact"] == "Jane Doe" and first["currency"] == "USD"
    assert (first["subtotal"], first["discount"], first["tax"], first["total"]) == (
        "67.66", "6.00", "11.79", "73.45")
    assert rows[1]["company"] == "" and rows[1]["valid_until"] < rows[0]["valid_until"]


def test_invoices_csv(alice, bob):
    seed(alice)
    new_invoice(bob)
    with db.session_scope() as s:
        rows = rows_of(export.export_csv(s, principal(alice), "invoices"))
    assert list(rows[0]) == export.INVOICE_COLUMNS and len(rows) == 3
    draft, overdue, void = rows
    assert draft["number"] == "" and draft["status"] == "draft"
    assert draft["company"].startswith("'=") and draft["contact"] == "Jane Doe"
    assert (draft["total"], draft["paid"], draft["balance"]) == ("73.45", "0.00", "73.45")
    assert overdue["number"].startswith("INV-") and overdue["status"] == "overdue"
    assert (overdue["paid"], overdue["balance"]) == ("20.00", "53.45")
    # JPY has no minor unit; a void invoice owes nothing
    assert void["status"] == "void" and void["currency"] == "JPY"
    assert (void["subtotal"], void["tax"], void["total"], void["balance"]) == (
        "1001", "100", "1101", "0")


def test_invoice_names_its_quote(alice):
    qid = accepted_quote(alice)
    quotes.convert_quote(principal(alice), qid)
    with db.session_scope() as s:
        rows = rows_of(export.export_csv(s, principal(alice), "invoices"))
        number = s.get(Quote, qid).number
    assert rows[0]["quote_number"] == number


def test_empty_exports_have_headers(alice):
    with db.session_scope() as s:
        for kind, columns in (("quotes", export.QUOTE_COLUMNS),
                              ("invoices", export.INVOICE_COLUMNS)):
            text = export.export_csv(s, principal(alice), kind).decode("utf-8-sig")
            assert text == ",".join(columns) + "\r\n"


def test_cli_export_writes_a_zip_of_every_kind(alice, bob, tmp_path):
    seed(alice)
    new_quote(bob)
    out = tmp_path / "backup.zip"
    result = CliRunner().invoke(main, ["export", "--workspace", alice.workspace_slug,
                                       "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    with zipfile.ZipFile(out) as archive:
        csvs = sorted(n for n in archive.namelist() if n.endswith(".csv"))
        assert csvs == sorted(export.ZIP_FILES)  # beside the JSON archive
        assert "journal.csv" in csvs
        files = {name: rows_of(archive.read(name)) for name in csvs}
    assert [r["name"] for r in files["companies.csv"]] == ["'=HYPERLINK(\"x\")"]
    assert [r["first_name"] for r in files["contacts.csv"]] == ["Jane"]
    assert [r["title"] for r in files["deals.csv"]] == ["'+Big deal"]
    assert [r["status"] for r in files["quotes.csv"]] == ["draft", "expired", "accepted"]
    assert [r["balance"] for r in files["invoices.csv"]] == ["73.45", "53.45", "0"]
    assert {r["type"] for r in files["journal.csv"]} <= {"invoice", "payment"}
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob(".*.part"))


def test_cli_export_bad_workspace_or_path(alice, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["export", "--workspace", "nope", "--out",
                                  str(tmp_path / "x.zip")])
    assert result.exit_code == 2 and "No workspace with the slug 'nope'" in result.output
    result = runner.invoke(main, ["export", "--workspace", alice.workspace_slug, "--out",
                                  str(tmp_path / "missing-dir" / "x.zip")])
    assert result.exit_code == 2 and "Cannot write" in result.output
    assert not (tmp_path / "x.zip").exists()
