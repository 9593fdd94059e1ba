"""`updoot import signals FILE.csv --workspace SLUG`: signals by domain, per-row
errors for the bad rows, the good ones imported; a file without the columns is
refused with exit code 2."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner
from sqlalchemy import func
from sqlmodel import select

from tests.unit.today_helpers import company
from updoot_app import db
from updoot_app.cli import main
from updoot_app.models import BuyingSignal


def run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_import_signals_from_csv(alice, bob, tmp_path):
    acme = company(alice, "Acme", domain="acme.io")
    company(bob, "Theirs", domain="theirs.io")
    path = tmp_path / "signals.csv"
    path.write_text(
        "Domain,Trigger,Occurred on,Note\n"
        "https://www.acme.io,recent funding,2026-11-30,Series B\n"
        "acme.io,new CISO,2026-10-01,\n"
        "theirs.io,recent funding,2026-11-30,\n"          # another workspace's company
        "acme.io,,2026-11-30,\n"                          # no trigger
        "acme.io,data breach,20260-11-30,\n"              # year 20260
        "acme.io,data breach,2999-01-01,\n", encoding="utf-8")  # in the future
    errors = tmp_path / "errors.csv"
    code, out = run("import", "signals", str(path), "--workspace", alice.workspace_slug,
                    "--errors-out", str(errors))
    assert code == 0, out
    assert "Imported: 2 signals, 4 rows with problems." in out
    assert "row 4, Domain: No company with the domain theirs.io here." in out
    assert "row 6, Occurred on: Date must be a date like 2026-03-31." in out
    assert errors.read_text(encoding="utf-8-sig").count("\n") == 5
    with db.session_scope() as s:
        rows = s.exec(select(BuyingSignal).order_by(BuyingSignal.id)).all()
    assert [(r.company_id, r.trigger, r.occurred_on, r.note) for r in rows] == [
        (acme, "recent funding", date(2026, 11, 30), "Series B"),
        (acme, "new CISO", date(2026, 10, 1), "")]


def test_a_file_without_the_columns_changes_nothing(alice, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,when\nAcme,2026-11-30\n", encoding="utf-8")
    code, out = run("import", "signals", str(path), "--workspace", alice.workspace_slug)
    assert code == 2 and "needs the columns domain, trigger, occurred_on" in out
    with db.session_scope() as s:
        assert s.exec(select(func.count()).select_from(BuyingSignal)).one() == 0
