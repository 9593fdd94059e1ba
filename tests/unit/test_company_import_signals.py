"""Company import with a dated buying signal per row (columns `signal`, `signal_on`):
signal rows written with their companies, bad dates a clear per-row error and the
row not written at all, the fit scored with the fresh trigger."""

from __future__ import annotations

from datetime import UTC, date, datetime

from click.testing import CliRunner
from sqlmodel import select

from tests.unit.test_company_import import P, rows_of, run_import
from tests.unit.today_helpers import with_icp
from updoot_app import db
from updoot_app.cli import main
from updoot_app.models import BuyingSignal, Company
from updoot_app.services.crm import company_import
from updoot_app.services.csvio.mapping import guess_mapping
from updoot_app.services.csvio.reading import read_csv_bytes

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


def signals_of(ws: int) -> list[tuple]:
    with db.session_scope() as s:
        rows = s.exec(select(Company.name, BuyingSignal.trigger, BuyingSignal.occurred_on)
                      .join(Company, Company.id == BuyingSignal.company_id)
                      .where(BuyingSignal.workspace_id == ws)
                      .order_by(Company.name, BuyingSignal.occurred_on)).all()
    return [tuple(r) for r in rows]


def test_the_mapping_guesses_the_signal_columns():
    frame = read_csv_bytes(b"name,signal,signal_on,triggers\nAcme,recent funding,2026-11-30,x\n")
    mapping = guess_mapping(list(frame.columns), company_import.IMPORT_COMPANY_FIELDS)
    assert mapping == {"name": "name", "signal": "signal", "signal_on": "signal_on",
                       "triggers": "triggers"}


def test_signals_are_written_with_their_companies(alice):
    with_icp(alice)   # industry 50, employees 40, triggers ("recent funding") 10
    data = ("name,domain,industry,employees,signal,signal_on\n"
            "Acme,acme.io,Technology,800,recent funding,2026-11-26\n"
            "Quiet,quiet.io,Technology,800,,\n"
            "Old,old.io,Technology,800,recent funding,2025-01-10\n"
            "Nodomain,,Technology,800,New CISO,2026-12-01\n")
    result, counts = run_import(alice, data.encode(), now=NOW)
    assert result.errors == [] and counts.errors == []
    assert (counts.created, counts.signals) == (4, 3)
    assert "3 buying signals" in counts.summary()
    assert signals_of(alice.workspace_id) == [
        ("Acme", "recent funding", date(2026, 11, 26)),
        ("Nodomain", "New CISO", date(2026, 12, 1)),
        ("Old", "recent funding", date(2025, 1, 10))]
    fits = {c.name: (c.fit_score, c.fit_tier) for c in rows_of(alice.workspace_id)}
    # A fresh trigger counts in the stored fit; a stale one (2025) does not.
    assert fits == {"Acme": (100, "A"), "Quiet": (90, "A"), "Old": (90, "A"),
                    "Nodomain": (100, "A")}


def test_bad_signal_cells_are_row_errors_and_nothing_of_the_row_is_written(alice):
    data = ("name,domain,signal,signal_on\n"
            "Good,good.io,recent funding,2026-11-30\n"
            "Baddate,bad.io,recent funding,30/11/2026\n"
            "Farfuture,far.io,recent funding,20260-01-01\n"
            "Nodate,nodate.io,recent funding,\n"
            "Notrigger,notrigger.io,,2026-11-30\n"
            "Tomorrow,tomorrow.io,recent funding,2026-12-07\n")
    result, counts = run_import(alice, data.encode(), now=NOW)
    errors = {(e.row, e.column): e.reason for e in result.errors + counts.errors}
    assert errors[(3, "signal_on")] == "Date must be a date like 2026-03-31."
    assert (4, "signal_on") in errors
    assert "needs its date" in errors[(5, "signal")]
    assert "needs its trigger" in errors[(6, "signal_on")]
    assert errors[(7, "Signal date")] == "A signal happened today or before."
    assert len(errors) == 5
    assert [c.name for c in rows_of(alice.workspace_id)] == ["Good"]
    assert signals_of(alice.workspace_id) == [("Good", "recent funding", date(2026, 11, 30))]
    assert counts.invalid == 5 and counts.created == 1 and counts.signals == 1


def test_update_mode_adds_a_signal_once_and_skip_mode_adds_none(alice):
    data = b"name,domain,signal,signal_on\nAcme,acme.io,recent funding,2026-11-30\n"
    run_import(alice, data, now=NOW)
    _r, skipped = run_import(alice, data.replace(b"2026-11-30", b"2026-12-01"), now=NOW)
    assert skipped.skipped == 1 and skipped.signals == 0
    _r, again = run_import(alice, data, now=NOW, on_duplicate="update")
    assert again.updated == 1 and again.signals == 0   # the same signal is not repeated
    _r, newer = run_import(alice, data.replace(b"2026-11-30", b"2026-12-01"), now=NOW,
                           on_duplicate="update")
    assert newer.signals == 1
    assert [s[2] for s in signals_of(alice.workspace_id)] == [date(2026, 11, 30),
                                                             date(2026, 12, 1)]
    # Two rows of one new domain in one file, update mode: one company, its signals.
    two = (b"name,domain,signal,signal_on\nTwin,twin.io,hiring,2026-11-01\n"
           b"Twin,twin.io,new CISO,2026-11-02\n")
    _r, twins = run_import(alice, two, now=NOW, on_duplicate="update")
    assert twins.created == 1 and twins.signals == 2
    assert P(alice).workspace_id == alice.workspace_id


def test_the_cli_imports_signal_columns(alice, tmp_path):
    path = tmp_path / "companies.csv"
    path.write_text("name,domain,signal,signal_on\nAcme,acme.io,recent funding,2025-11-30\n"
                    "Bad,bad.io,recent funding,someday\n")
    out = CliRunner().invoke(main, ["import", "companies", str(path), "--workspace",
                                    alice.workspace_slug])
    assert "1 buying signals" in out.output, out.output
    assert signals_of(alice.workspace_id) == [("Acme", "recent funding", date(2025, 11, 30))]
