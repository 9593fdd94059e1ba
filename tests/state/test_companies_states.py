"""Companies list, company page and CSV import states, called as the browser calls them,
with bad input, hostile arguments and other workspaces' ids."""

from __future__ import annotations

import asyncio
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
import reflex as rx
from sqlalchemy import func
from sqlmodel import select
from starlette.datastructures import Headers

from tests.state.conftest import call, new_state, redirect_target, toast_text
from updoot_app import db
from updoot_app.models import Company, Contact, Deal, Interaction
from updoot_app.services.crm import companies
from updoot_app.services.demo import seed as demo_seed
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.profiles import icps, personas
from updoot_app.state.crm import company_import_state as cis
from updoot_app.state.crm.companies_state import PAGE_SIZE, CompaniesState
from updoot_app.state.crm.company_import_state import CompanyImportState
from updoot_app.state.crm.company_state import CompanyState


def P(actor):
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


def seed(actor, n=60):
    with db.session_scope() as s:
        demo_seed.seed_workspace(s, actor.workspace_id, [actor.user_id], companies=n)


def listing(actor):
    state = new_state(CompaniesState, actor.token)
    result = call(state, "load")
    assert "load_options" in str(result)  # the filter choices follow in their own event
    call(state, "load_options")
    return state


def count(model, workspace_id):
    with db.session_scope() as s:
        return s.exec(select(func.count()).select_from(model)
                      .where(model.workspace_id == workspace_id)).one()


# --------------------------------------------------------------------------- list


def test_list_loads_one_page_with_fit_and_small_state(alice, bob):
    seed(alice)
    seed(bob, 10)
    with db.session_scope() as s:
        icps.create_from_template(s, P(alice), "cybersecurity")
    state = listing(alice)
    assert state.total == 60 and len(state.rows) == PAGE_SIZE
    assert state.page_label == "Page 1 of 3"
    assert all(r["tier"] in ("A", "B", "C", "D", "not_a_fit") for r in state.rows)
    assert any(" · " in r["summary"] for r in state.rows)
    assert state.industries and state.countries
    assert [o["id"] for o in state.owners] == [str(alice.user_id)]
    payload = json.dumps(state.dict())
    assert "bob@example.com" not in payload and len(payload) < 60_000


def test_filters_sort_search_and_paging(alice):
    seed(alice)
    state = listing(alice)
    call(state, "next_page")
    assert state.page == 2
    call(state, "go_page", "99")
    assert state.page == 3 and len(state.rows) == 10
    call(state, "sort_by", "employees")
    assert state.direction == "desc" and state.page == 1
    emp = [int(r["employees"].replace(",", "")) for r in state.rows if r["employees"]]
    assert emp == sorted(emp, reverse=True)
    industry = state.industries[0]
    call(state, "set_filter", "industry", industry)
    assert state.total > 0 and all(r["industry"] == industry for r in state.rows)
    call(state, "set_filter", "industry", "__all__")
    call(state, "set_filter", "has_open_deal", "yes")
    with_deal = state.total
    call(state, "set_filter", "has_open_deal", "no")
    assert with_deal + state.total == 60
    name = state.rows[0]["name"]
    call(state, "search_submit", {"search": name})
    assert any(r["name"] == name for r in state.rows)
    call(state, "clear_filters")
    assert state.total == 60 and state.filters == {} and state.search == ""


@pytest.mark.parametrize(("handler", "args"), [
    ("set_filter", ("password_hash", "x")),
    ("set_filter", ("fit_tier", "Z")),
    ("set_filter", ("country", "Atlantis")),
    ("set_filter", ("has_open_deal", "maybe")),
    ("set_filter", ("industry", 12)),
    ("set_filter", ("tag", "x" * 500)),
    ("sort_by", ("password",)),
    ("go_page", ("abc",)),
    ("go_page", ({"$gt": 1},)),
    ("set_search", (["x"],)),
    ("export_csv", ("users",)),
])
def test_bad_query_input_is_refused_and_changes_nothing(alice, handler, args):
    seed(alice, 30)
    state = listing(alice)
    before = (dict(state.filters), state.sort, state.page, state.search, state.total)
    result = call(state, handler, *args)
    assert toast_text(result)
    assert (dict(state.filters), state.sort, state.page, state.search, state.total) == before


def test_add_company_validates_and_redirects(alice):
    state = listing(alice)
    call(state, "add_company", {"name": "", "domain": ""})
    assert "Name" in state.add_error and count(Company, alice.workspace_id) == 0
    call(state, "add_company", {"name": "Acme", "domain": "not a domain"})
    assert "domain" in state.add_error.lower()
    call(state, "add_company", "hostile")
    assert state.add_error
    result = call(state, "add_company", {"name": "Acme", "domain": "acme.io",
                                         "employees": "800", "tags": "a, b",
                                         "annual_revenue": "1,000,000"})
    assert redirect_target(result).startswith("/companies/")
    with db.session_scope() as s:
        row = s.exec(select(Company)).one()
    assert row.tags == ["a", "b"] and row.annual_revenue == Decimal("1000000")


def test_viewer_reads_but_cannot_write(alice):
    from updoot_app.models import Membership

    cid = make_company(alice)
    with db.session_scope() as s:
        m = s.exec(select(Membership).where(Membership.user_id == alice.user_id)).one()
        m.role = "viewer"
        s.add(m)
    state = listing(alice)
    assert state.total == 1 and not state.can_edit
    assert toast_text(call(state, "add_company", {"name": "X"}))
    page = company_page(alice, cid)
    assert page.company["name"] == "Acme"
    assert toast_text(call(page, "add_to_pipeline", {"title": "X", "value": "1"}))
    assert toast_text(call(importer_raw(alice), "handle_upload", [FakeUpload(b"name\nA\n")]))
    assert count(Company, alice.workspace_id) == 1 and count(Deal, alice.workspace_id) == 0


def importer_raw(actor):
    return new_state(CompanyImportState, actor.token)


def test_export_downloads_only_this_workspace(alice, bob):
    seed(alice, 5)
    with db.session_scope() as s:
        companies.create_company(s, P(bob), {"name": "=Bob secret"})
    state = listing(alice)
    result = call(state, "export_csv", "companies")
    text = str(result)
    assert "download" in text and "Bob secret" not in text


# --------------------------------------------------------------------------- company page


def company_page(actor, company_id):
    state = new_state(CompanyState, actor.token)
    state.router.page.params["company_id"] = str(company_id)
    call(state, "load")
    return state


def make_company(actor, **data):
    with db.session_scope() as s:
        return companies.create_company(s, P(actor), {"name": "Acme", "domain": "acme.io",
                                                      "industry": "Technology",
                                                      "employees": 800, **data}).id


def test_company_page_shows_fit_and_works(alice):
    with db.session_scope() as s:
        icp = icps.create_from_template(s, P(alice), "cybersecurity")
        persona = personas.create_persona(s, P(alice), icp.id, {
            "name": "Security Sarah", "role_title": "CISO", "buying_role": "economic_buyer"})
        persona_id = persona.id
    cid = make_company(alice, country="US")
    state = company_page(alice, cid)
    assert state.company["name"] == "Acme" and state.fit_tier
    assert state.fit_rows and {r["result"] for r in state.fit_rows} <= {
        "match", "miss", "unknown", "disqualified"}
    assert state.fit_summary.startswith(state.fit_score)
    assert str(persona_id) in {x["id"] for x in state.personas}

    call(state, "add_contact", {"first_name": "Jane", "email": "not-an-email"})
    assert "mail" in state.contact_error.lower() and count(Contact, alice.workspace_id) == 0
    call(state, "add_contact", {"first_name": "Jane", "last_name": "Doe",
                                "email": "jane@acme.io", "persona_id": str(persona_id)})
    assert state.contact_rows[0]["persona"].startswith("Security Sarah")

    result = call(state, "add_to_pipeline", {"title": "", "value": "12,000"})
    assert "pipeline" in toast_text(result)
    assert state.deal_rows[0]["title"] == "Acme" and state.deal_rows[0]["kind"] == "open"
    call(state, "add_to_pipeline", {"title": "X", "value": "-5"})
    assert state.deal_error and count(Deal, alice.workspace_id) == 1

    call(state, "log_interaction", {"kind": "hack", "summary": "x", "outcome": ""})
    assert state.log_error
    call(state, "log_interaction", {"kind": "call", "summary": "Intro call", "outcome": "ok"})
    assert state.interaction_rows[0]["summary"] == "Intro call"

    call(state, "save", {"name": "Acme Inc", "domain": "acme.io", "industry": "Retail",
                         "employees": "10", "annual_revenue": "", "country": "DE",
                         "tech_stack": "AWS, Okta", "triggers": "", "tags": "vip",
                         "notes": "hi"})
    assert state.company["name"] == "Acme Inc" and state.company["tech_stack"] == "AWS, Okta"
    call(state, "save", {"name": "", "domain": "", "industry": "", "employees": "x",
                         "annual_revenue": "", "country": "", "tech_stack": "",
                         "triggers": "", "tags": "", "notes": ""})
    assert state.edit_error and state.company["name"] == "Acme Inc"


def test_other_workspaces_company_is_not_found(alice, bob):
    bob_company = make_company(bob)
    with db.session_scope() as s:
        icp = icps.create_from_template(s, P(bob), "cybersecurity")
        bob_persona = personas.create_persona(s, P(bob), icp.id, {
            "name": "Bob P", "role_title": "CTO", "buying_role": "champion"}).id
    state = company_page(alice, bob_company)
    assert state.not_found and state.company == {}
    for handler, form in [("add_contact", {"first_name": "X"}),
                          ("add_to_pipeline", {"title": "X", "value": "1"}),
                          ("log_interaction", {"kind": "note", "summary": "x", "outcome": ""}),
                          ("save", {"name": "Hijack"})]:
        call(state, handler, form)
    assert count(Contact, bob.workspace_id) == 0 and count(Deal, bob.workspace_id) == 0
    assert count(Interaction, bob.workspace_id) == 0
    with db.session_scope() as s:
        assert s.get(Company, bob_company).name == "Acme"
    # Alice's own company with Bob's persona: not found, nothing written.
    mine = make_company(alice, domain="mine.io")
    state = company_page(alice, mine)
    call(state, "add_contact", {"first_name": "X", "persona_id": str(bob_persona)})
    assert "not found" in state.contact_error.lower() and count(Contact, alice.workspace_id) == 0


@pytest.mark.parametrize("company_id", ["abc", "-1", "99999999999", "1 OR 1=1", ""])
def test_hostile_company_ids(alice, company_id):
    state = company_page(alice, company_id)
    assert state.not_found


# --------------------------------------------------------------------------- import


def FakeUpload(data: bytes, filename: str = "companies.csv"):  # noqa: N802 - reads as a class
    return rx.UploadFile(file=io.BytesIO(data), path=Path(filename),
                         headers=Headers({"content-type": "text/csv"}))


CSV = ("Firma;Website;Branche;Mitarbeiter;Umsatz;Land\r\n"
       "Müller GmbH;mueller.de;Technology;1.200;1.234,56;DE\r\n"
       "Bad;not a domain;Retail;5;;DE\r\n"
       "Zero;zero.io;NA;00123;;FR\r\n").encode("cp1252")


def importer(actor):
    state = new_state(CompanyImportState, actor.token)
    call(state, "load")
    return state


def test_upload_map_validate_and_import(alice):
    state = importer(alice)
    call(state, "handle_upload", [FakeUpload(CSV, "../../etc/evil name.csv")])
    assert state.step == "map" and state.row_count == 3 and state.filename == "evil name.csv"
    path = Path(state._path)
    assert path.exists() and path.parent == cis.import_dir()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert state.preview[0][0] == "Müller GmbH" and len(state.preview) == 3
    assert "Company name is required: map a column to it." in state.problems
    for header, field in [("Firma", "name"), ("Website", "domain"), ("Branche", "industry"),
                          ("Mitarbeiter", "employees"), ("Umsatz", "annual_revenue"),
                          ("Land", "country")]:
        call(state, "set_mapping", header, field)
    assert state.problems == []
    call(state, "set_on_duplicate", "update")
    result, errors_path = cis.validate_file(state._path, state._mapping())
    assert len(result.records) == 2 and result.errors[0].row == 3
    assert Path(errors_path).read_bytes().decode("utf-8-sig").count("\n") == 2
    state._errors_path = errors_path
    download = call(state, "download_errors")
    assert "download" in str(download)
    imported, errors, _ = cis.import_file(P(alice), state._path, state._mapping(), "update")
    assert imported.created == 2 and errors[0].column == "Website"
    with db.session_scope() as s:
        rows = {c.name: c for c in s.exec(select(Company)).all()}
    assert rows["Zero"].industry == "NA" and rows["Zero"].employees == 123
    assert rows["Müller GmbH"].annual_revenue == Decimal("1234.56")
    call(state, "start_over")
    assert state.step == "upload" and not path.exists()


def test_upload_refuses_bad_files(alice, monkeypatch):
    state = importer(alice)
    call(state, "handle_upload", [FakeUpload(b"PK\x03\x04xx")])
    assert "Excel" in state.upload_error and state.step == "upload" and state._path == ""
    call(state, "handle_upload", [])
    assert state.upload_error == "Choose one CSV file."
    monkeypatch.setattr(cis, "MAX_UPLOAD_BYTES", 10)
    call(state, "handle_upload", [FakeUpload(b"name\nAcme Corporation\n")])
    assert "larger than" in state.upload_error


@pytest.mark.parametrize(("handler", "args"), [
    ("set_mapping", ("No such column", "name")),
    ("set_mapping", ("name", "password_hash")),
    ("set_on_duplicate", ("merge",)),
    ("download_errors", ()),
])
def test_import_hostile_args(alice, handler, args):
    state = importer(alice)
    call(state, "handle_upload", [FakeUpload(b"name,domain\nAcme,acme.io\n")])
    before = dict(state.mapping)
    assert toast_text(call(state, handler, *args))
    assert state.mapping == before and state.on_duplicate == "skip"


def test_import_handlers_are_background_and_member_only(alice):
    assert CompanyImportState.event_handlers["run_import"].is_background
    assert CompanyImportState.event_handlers["validate"].is_background
    state = importer(alice)
    state.auth_token = ""
    assert redirect_target(call(state, "handle_upload", [FakeUpload(b"name\nA\n")])) == "/login"


def test_import_file_is_scoped_to_the_principal(alice, bob):
    make_company(bob)
    path = cis._write_private(b"name,domain\nAcme mine,acme.io\n", ".csv")
    result, _, _ = cis.import_file(P(alice), path, {"name": "name", "domain": "domain"},
                                   "update")
    assert result.created == 1
    with db.session_scope() as s:
        assert s.exec(select(Company.name).where(Company.workspace_id == bob.workspace_id)
                      ).one() == "Acme"
    asyncio.run(asyncio.sleep(0))


def test_count_stops_early_on_big_lists_and_paging_still_reaches_the_end(alice, monkeypatch):
    from updoot_app.state.crm import companies_state

    monkeypatch.setattr(companies_state, "COUNT_AHEAD", 10)
    seed(alice, 60)
    state = listing(alice)
    assert state.more and state.total == 35
    assert state.page_label == "Page 1 of 2+" and state.total_label == "35+ companies"
    call(state, "next_page")
    call(state, "next_page")
    assert state.page == 3 and not state.more and state.total == 60
    assert state.page_label == "Page 3 of 3" and len(state.rows) == 10
    call(state, "next_page")
    assert state.page == 3


def test_abandoned_upload_files_are_purged(database):
    import os
    import time

    old = Path(cis._write_private(b"x", ".csv"))
    os.utime(old, (time.time() - 2 * cis.STALE_AFTER_S,) * 2)
    fresh = Path(cis._write_private(b"y", ".csv"))
    assert not old.exists() and fresh.exists()
    cis._remove(str(fresh))
    cis._remove("/etc/passwd")  # only files of the private import directory are removed
    assert Path("/etc/passwd").exists()
