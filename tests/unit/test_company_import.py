"""Company import: batches, duplicates (skip/update), never half a row, rollback, scoring;
every CSV format through the same path; export neutralisation; the CLI."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import func
from sqlmodel import select

from updoot_app import db
from updoot_app.cli import main
from updoot_app.models import Activity, Company, Contact
from updoot_app.services.archive import export
from updoot_app.services.crm import companies, company_import, contact_import
from updoot_app.services.csvio.mapping import guess_mapping
from updoot_app.services.csvio.reading import read_csv_bytes
from updoot_app.services.csvio.row_validation import errors_to_csv
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.platform.errors import Forbidden, ValidationError
from updoot_app.services.profiles import icps

ICP = {"name": "Security buyers", "kind": "b2b",
       "criteria": [{"field": "industry", "values": ["Technology"], "weight": 60},
                    {"field": "employees", "min": 100, "max": 5000, "weight": 40}]}

HEADER = "Company;Website;Industry;Employees;Revenue;Country;Tags\r\n"


def P(actor):
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


def rows_of(workspace_id):
    with db.session_scope() as s:
        return s.exec(select(Company).where(Company.workspace_id == workspace_id)
                      .order_by(Company.id)).all()


def run_import(actor, data: bytes, **kwargs):
    frame = read_csv_bytes(data)
    mapping = guess_mapping(list(frame.columns), company_import.IMPORT_COMPANY_FIELDS)
    result = company_import.validate_companies(frame, mapping)
    counts = company_import.import_companies(P(actor), result.records,
                                             invalid_rows=result.invalid_rows, **kwargs)
    return result, counts


FORMATS = {
    "utf8": ("name,domain,annual_revenue,country\nZürich AG,zurich.ch,1234.56,CH\n", "utf-8"),
    "utf8-bom": ("name,domain,annual_revenue,country\nZürich AG,zurich.ch,1234.56,CH\n",
                 "utf-8-sig"),
    "cp1252-semicolon": ("Name;Domain;Revenue;Country\nZürich AG;zurich.ch;1.234,56;CH\n",
                         "cp1252"),
    "tab": ("name\tdomain\trevenue\tcountry\nZürich AG\tzurich.ch\t1234.56\tCH\n", "utf-8"),
    "quoted-newline-blank-lines": (
        'name,domain,revenue,country,notes\n\nZürich AG,zurich.ch,"1,234.56",CH,"a\nb"\n\n',
        "utf-8"),
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_imports_the_same_company(alice, fmt):
    text, encoding = FORMATS[fmt]
    result, counts = run_import(alice, text.encode(encoding))
    assert result.errors == [] and counts.created == 1
    (row,) = rows_of(alice.workspace_id)
    assert (row.name, row.domain, row.annual_revenue, row.country) == (
        "Zürich AG", "zurich.ch", Decimal("1234.56"), "CH")


def test_text_stays_text_and_bad_rows_are_reported(alice):
    data = (HEADER + "Zero Co;zero.io;NA;00123;;US;\r\n"
            "Bad Co;not a domain;Tech;12;;US;\r\n"
            "Neg Co;neg.io;Tech;12;-5;US;\r\n").encode("cp1252")
    result, counts = run_import(alice, data)
    (row,) = rows_of(alice.workspace_id)
    assert row.industry == "NA" and row.employees == 123
    assert counts.created == 1 and counts.invalid == 2
    reported = {(e.row, e.column) for e in result.errors}
    assert (3, "Website") in reported and (4, "Revenue") in reported
    report = errors_to_csv(result.errors).decode("utf-8-sig")
    assert "3,Website," in report


def test_batches_and_progress(alice):
    lines = [f"Co {i};co{i}.io;Technology;{100 + i};;US;" for i in range(25)]
    seen = []
    _, counts = run_import(alice, (HEADER + "\r\n".join(lines)).encode(), batch_size=10,
                           progress=lambda phase, d, t: seen.append((phase, d, t)))
    assert counts.created == 25
    assert [x for x in seen if x[0] == "import"] == [
        ("import", 0, 25), ("import", 10, 25), ("import", 20, 25), ("import", 25, 25)]


def test_duplicates_skip_keeps_existing_and_first_in_file(alice):
    with db.session_scope() as s:
        companies.create_company(s, P(alice), {"name": "Old Acme", "domain": "acme.io",
                                               "industry": "Retail"})
    data = (HEADER + "New Acme;https://www.acme.io;Technology;500;;US;\r\n"
            "Beta;beta.io;Technology;500;;US;\r\nBeta again;BETA.io;Retail;5;;US;\r\n"
            "No domain;;Retail;5;;US;\r\n").encode()
    _, counts = run_import(alice, data, on_duplicate="skip", batch_size=2)
    assert (counts.created, counts.updated, counts.skipped) == (2, 0, 2)
    names = {r.domain: r.name for r in rows_of(alice.workspace_id)}
    assert names == {"acme.io": "Old Acme", "beta.io": "Beta", None: "No domain"}


def test_duplicates_update_overwrites_non_empty_cells(alice):
    with db.session_scope() as s:
        companies.create_company(s, P(alice), {"name": "Old Acme", "domain": "acme.io",
                                               "industry": "Retail", "employees": 7})
    data = (HEADER + "New Acme;acme.io;;900;;DE;vip\r\n"
            "Beta;beta.io;Technology;500;;US;\r\nBeta 2;beta.io;;501;;;\r\n").encode()
    _, counts = run_import(alice, data, on_duplicate="update", batch_size=1)
    assert (counts.created, counts.updated, counts.skipped) == (1, 2, 0)
    rows = {r.domain: r for r in rows_of(alice.workspace_id)}
    acme, beta = rows["acme.io"], rows["beta.io"]
    assert (acme.name, acme.industry, acme.employees, acme.country, acme.tags) == (
        "New Acme", "Retail", 900, "DE", ["vip"])
    assert (beta.name, beta.industry, beta.employees) == ("Beta 2", "Technology", 501)


def test_update_never_touches_another_workspace(alice, bob):
    with db.session_scope() as s:
        companies.create_company(s, P(bob), {"name": "Bob's Acme", "domain": "acme.io"})
    _, counts = run_import(alice, (HEADER + "Acme;acme.io;;;;;\r\n").encode(),
                           on_duplicate="update")
    assert counts.created == 1
    assert rows_of(bob.workspace_id)[0].name == "Bob's Acme"


def test_scoring_is_applied(alice):
    with db.session_scope() as s:
        icps.create_icp(s, P(alice), ICP)
    data = (HEADER + "Fit;fit.io;Technology;500;;US;\r\nMeh;meh.io;Retail;5;;US;\r\n").encode()
    _, counts = run_import(alice, data)
    tiers = {r.name: (r.fit_tier, r.fit_score) for r in rows_of(alice.workspace_id)}
    assert tiers == {"Fit": ("A", 100), "Meh": ("D", 0)}
    assert counts.tiers["A"] == 1


def test_failing_batch_rolls_back_whole_and_keeps_earlier(alice, monkeypatch):
    lines = [f"Co {i};co{i}.io;Tech;1;;US;" for i in range(6)]
    real = company_import._insert_row
    calls = {"n": 0}

    def flaky(ws, values, now):
        calls["n"] += 1
        row = real(ws, values, now)
        if calls["n"] == 5:  # the second row of the third batch... is in batch 3 of 2 rows
            row["name"] = None  # NOT NULL: the database refuses the batch
        return row

    monkeypatch.setattr(company_import, "_insert_row", flaky)
    with pytest.raises(Exception):  # noqa: B017 - the database's integrity error
        run_import(alice, (HEADER + "\r\n".join(lines)).encode(), batch_size=2)
    assert [r.name for r in rows_of(alice.workspace_id)] == ["Co 0", "Co 1", "Co 2", "Co 3"]


def test_owner_email_must_be_a_member(alice, bob):
    data = (b"name,domain,owner\nA,a.io,alice@example.com\nB,b.io,bob@example.com\n")
    result, counts = run_import(alice, data)
    assert counts.created == 1 and counts.invalid == 1
    assert counts.errors[0].row == 3
    assert rows_of(alice.workspace_id)[0].owner_id == alice.user_id


def test_database_limits_are_row_errors(alice):
    data = ("name,domain,revenue,industry\n" + "x" * 201 + ",a.io,1,T\n"
            "B,b.io,1000000000000000,T\nC,c.io,1.23456,T\nD,d.io,1,T\n").encode()
    result, counts = run_import(alice, data)
    assert counts.created == 1 and {e.row for e in result.errors} == {2, 3, 4}


def test_viewer_and_bad_mode_are_refused(alice):
    p = P(alice)
    with pytest.raises(ValidationError):
        company_import.import_companies(p, [], on_duplicate="merge")
    viewer = type(p)(**{**p.__dict__, "role": "viewer"})
    with pytest.raises(Forbidden):
        company_import.import_companies(viewer, [])


def test_import_is_logged(alice):
    run_import(alice, b"name\nA\n")
    with db.session_scope() as s:
        entry = s.exec(select(Activity).where(Activity.action == "company.import")).one()
    assert entry.detail["created"] == 1


def test_contacts_import_matches_company(alice):
    run_import(alice, b"name,domain\nAcme,acme.io\n")
    frame = read_csv_bytes(
        b"Full name,Email,Company\nJane Doe,jane@acme.io,Acme\nJoe Bloggs,bad-email,Acme\n"
        b"Ann Other,ann@other.io,\n")
    mapping = guess_mapping(list(frame.columns), contact_import.IMPORT_CONTACT_FIELDS)
    result = contact_import.validate_contacts(frame, mapping)
    counts = contact_import.import_contacts(P(alice), result.records,
                                            invalid_rows=result.invalid_rows)
    assert (counts.created, counts.invalid) == (2, 1)
    with db.session_scope() as s:
        jane = s.exec(select(Contact).where(Contact.email == "jane@acme.io")).one()
        total = s.exec(select(func.count()).select_from(Contact)).one()
    assert jane.company_id == rows_of(alice.workspace_id)[0].id and total == 2


# --------------------------------------------------------------------------- export


def test_export_neutralises_formulas_and_keeps_workspaces_apart(alice, bob):
    with db.session_scope() as s:
        companies.create_company(s, P(alice), {
            "name": "=HYPERLINK(\"http://evil\")", "domain": "evil.io", "notes": "@SUM(1)",
            "tags": ["+tag", "-x"], "annual_revenue": "1234.5", "employees": 12})
        companies.create_company(s, P(bob), {"name": "Bob secret"})
    with db.session_scope() as s:
        data = export.export_csv(s, P(alice), "companies")
        contacts_csv = export.export_csv(s, P(alice), "contacts")
        deals_csv = export.export_csv(s, P(alice), "deals")
    text = data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1 and "Bob secret" not in text
    row = rows[0]
    assert row["name"].startswith("'=") and row["notes"] == "'@SUM(1)"
    assert row["tags"] == "'+tag; -x" and row["annual_revenue"] == "1234.50"
    assert row["employees"] == "12"
    assert contacts_csv.decode("utf-8-sig").startswith("id,first_name")
    assert deals_csv.decode("utf-8-sig").startswith("id,title")


def test_export_kind_is_validated(alice):
    with db.session_scope() as s, pytest.raises(ValidationError):
        export.export_csv(s, P(alice), "users")


# --------------------------------------------------------------------------- CLI


def cli(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_cli_import_companies(alice, tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes((HEADER + "Acme;acme.io;Technology;500;1.234,56;US;\r\n"
                      "Bad;bad domain;x;1;;US;\r\n").encode("cp1252"))
    code, out = cli("import", "companies", str(path), "--workspace", alice.workspace_slug,
                    "--errors-out", str(tmp_path / "e.csv"))
    assert code == 0, out
    assert "1 created" in out and "row 3, Website" in out
    assert (tmp_path / "e.csv").exists()
    assert rows_of(alice.workspace_id)[0].annual_revenue == Decimal("1234.56")
    code, out = cli("import", "companies", str(path), "--workspace", alice.workspace_slug,
                    "--on-duplicate", "update")
    assert code == 0 and "1 updated" in out


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04binary", b"industry\nTech\n"])
def test_cli_bad_file_exits_2(alice, tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, out = cli("import", "companies", str(path), "--workspace", alice.workspace_slug)
    assert code == 2 and "Error:" in out


def test_cli_unknown_workspace_exits_2(database, tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"name\nA\n")
    code, out = cli("import", "companies", str(path), "--workspace", "nope")
    assert code == 2 and "No workspace" in out


def test_updated_companies_are_rescored(alice):
    with db.session_scope() as s:
        icps.create_icp(s, P(alice), ICP)
    run_import(alice, (HEADER + "Fit;fit.io;Retail;5;;US;\r\n").encode())
    assert rows_of(alice.workspace_id)[0].fit_tier == "D"
    _, counts = run_import(alice, (HEADER + "Fit;fit.io;Technology;500;;US;\r\n").encode(),
                           on_duplicate="update")
    assert counts.updated == 1
    row = rows_of(alice.workspace_id)[0]
    assert (row.fit_tier, row.fit_score) == ("A", 100)
