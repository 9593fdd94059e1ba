"""Companies: validation, normalisation, CRUD, server-side list filters/sort/paging."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select

from updoot_app import db
from updoot_app.models import Activity, Company, Deal, Stage
from updoot_app.services.crm import companies, deals
from updoot_app.services.demo.seed import seed_workspace
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.platform.errors import Forbidden, NotFound, ValidationError
from updoot_app.services.profiles import fit

ACME = {"name": "Acme", "domain": "acme.io", "industry": "Technology", "employees": 800,
        "annual_revenue": "50000000", "country": "US", "tech_stack": ["AWS"],
        "triggers": ["recent funding"], "tags": []}


def principal(actor):
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


def create(actor, **overrides):
    with db.session_scope() as s:
        return companies.create_company(s, principal(actor), {**ACME, **overrides})


def count_companies(workspace_id):
    with db.session_scope() as s:
        return s.exec(select(func.count()).select_from(Company)
                      .where(Company.workspace_id == workspace_id)).one()


def test_create_stores_and_normalises(alice):
    company = create(alice, domain="https://www.ACME.io/about?x=1", country="germany",
                     tags=["Inbound", "inbound", " strategic  deal "], notes="line 1\nline 2")
    with db.session_scope() as s:
        row = s.get(Company, company.id)
        data = companies.company_dict(s, row)
        logged = s.exec(select(Activity).where(Activity.action == "company.create")).one()
    assert row.domain == "acme.io" and row.country == "DE"
    assert row.annual_revenue == Decimal("50000000") and isinstance(row.annual_revenue, Decimal)
    assert row.tags == ["Inbound", "strategic deal"]
    assert row.notes == "line 1\nline 2"
    assert data["fit"].keys() >= {"score", "tier", "icp_id", "coverage", "explanation"}
    assert logged.entity_id == company.id and logged.user_id == alice.user_id


@pytest.mark.parametrize(("overrides", "field"), [
    ({"name": "  "}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"domain": "not a domain"}, "domain"),
    ({"domain": "localhost"}, "domain"),
    ({"domain": "-bad-.com"}, "domain"),
    ({"industry": "x" * 101}, "industry"),
    ({"employees": -1}, "employees"),
    ({"employees": "many"}, "employees"),
    ({"employees": 1.5}, "employees"),
    ({"annual_revenue": "NaN"}, "annual_revenue"),
    ({"annual_revenue": "Infinity"}, "annual_revenue"),
    ({"annual_revenue": "-5"}, "annual_revenue"),
    ({"annual_revenue": "1e16"}, "annual_revenue"),
    ({"annual_revenue": "100000000000000.01"}, "annual_revenue"),
    ({"annual_revenue": "1,000"}, "annual_revenue"),
    ({"annual_revenue": 12.5}, "annual_revenue"),
    ({"annual_revenue": "1.00001"}, "annual_revenue"),
    ({"country": "Atlantis"}, "country"),
    ({"tags": "inbound"}, "tags"),
    ({"tags": [""]}, "tags"),
    ({"tags": ["x" * 61]}, "tags"),
    ({"tags": [f"t{i}" for i in range(51)]}, "tags"),
    ({"tech_stack": [3]}, "tech_stack"),
    ({"triggers": None, "notes": "x" * 5001}, "notes"),
    ({"owner_id": 999999}, "owner_id"),
    ({"colour": "red"}, "colour"),
])
def test_invalid_input_names_the_field_and_writes_nothing(alice, overrides, field):
    with pytest.raises(ValidationError) as err:
        create(alice, **overrides)
    assert err.value.field == field and err.value.message
    assert count_companies(alice.workspace_id) == 0


def test_owner_must_be_a_member_of_this_workspace(alice, bob):
    with pytest.raises(ValidationError) as err:
        create(alice, owner_id=bob.user_id)
    assert err.value.field == "owner_id"
    assert create(alice, owner_id=alice.user_id).owner_id == alice.user_id


def test_domain_is_unique_per_workspace(alice, bob):
    create(alice)
    with pytest.raises(ValidationError) as err:
        create(alice, name="Acme again", domain="http://WWW.acme.io")
    assert err.value.field == "domain"
    create(bob)  # another workspace may hold the same domain
    create(alice, name="No domain", domain="")
    create(alice, name="No domain 2", domain=None)


def test_revenue_accepts_ints_and_decimal_strings(alice):
    assert create(alice, annual_revenue=1200).annual_revenue == Decimal("1200")
    assert create(alice, domain="b.io", annual_revenue=" 99.95 ").annual_revenue == \
        Decimal("99.95")
    assert create(alice, domain="c.io", annual_revenue="").annual_revenue is None
    assert create(alice, domain="d.io", annual_revenue="100000000000000").annual_revenue == \
        Decimal("1e14")


def test_update_is_partial_and_checks_the_domain_clash(alice):
    acme = create(alice)
    other = create(alice, name="Other", domain="other.io")
    with db.session_scope() as s:
        companies.update_company(s, principal(alice), acme.id, {"employees": 900,
                                                                 "domain": "acme.io"})
    with db.session_scope() as s:
        row = s.get(Company, acme.id)
        assert (row.employees, row.industry, row.domain) == (900, "Technology", "acme.io")
    with pytest.raises(ValidationError), db.session_scope() as s:
        companies.update_company(s, principal(alice), other.id, {"domain": "acme.io"})
    with pytest.raises(ValidationError), db.session_scope() as s:
        companies.update_company(s, principal(alice), other.id, {"name": ""})


def test_other_workspace_is_not_found_and_viewers_cannot_write(alice, bob):
    acme = create(alice)
    with db.session_scope() as s:
        p_bob = principal(bob)
        with pytest.raises(NotFound):
            companies.get_company(s, p_bob.workspace_id, acme.id)
        with pytest.raises(NotFound):
            companies.update_company(s, p_bob, acme.id, {"name": "Mine"})
        with pytest.raises(NotFound):
            companies.delete_company(s, p_bob, acme.id)
        with pytest.raises(NotFound):
            companies.get_company(s, p_bob.workspace_id, 10**15)
    viewer = dataclasses.replace(principal(alice), role="viewer")
    for call in (lambda s: companies.create_company(s, viewer, ACME),
                 lambda s: companies.update_company(s, viewer, acme.id, {"name": "x"}),
                 lambda s: companies.delete_company(s, viewer, acme.id)):
        with pytest.raises(Forbidden), db.session_scope() as s:
            call(s)


def test_delete_is_real_and_takes_the_deals_along(alice):
    acme = create(alice)
    with db.session_scope() as s:
        deals.create_deal(s, principal(alice), {"company_id": acme.id, "title": "Rollout",
                                                "value": "100"})
    with db.session_scope() as s:
        companies.delete_company(s, principal(alice), acme.id)
    with db.session_scope() as s:
        assert s.get(Company, acme.id) is None
        assert s.exec(select(func.count()).select_from(Deal)).one() == 0


# --- list ---------------------------------------------------------------------------

@pytest.fixture
def seeded(alice):
    with db.session_scope() as s:
        seed_workspace(s, alice.workspace_id, [alice.user_id], companies=40)
    return alice


def all_companies(workspace_id):
    with db.session_scope() as s:
        return s.exec(select(Company).where(Company.workspace_id == workspace_id)).all()


def listing(actor, **kw):
    with db.session_scope() as s:
        return companies.list_companies(s, actor.workspace_id, **kw)


def test_paging_covers_every_row_once(seeded):
    seen, page = [], 1
    while True:
        rows, total = listing(seeded, page=page, page_size=7)
        if not rows:
            break
        seen += [r["id"] for r in rows]
        page += 1
    assert total == 40 and len(seen) == 40 == len(set(seen))
    assert listing(seeded, page=99, page_size=7) == ([], 40)


@pytest.mark.parametrize("bad", [{"page_size": 101}, {"page_size": 0}, {"page": 0},
                                 {"sort": "notes"}, {"sort": "id; drop table"},
                                 {"direction": "sideways"}, {"fit_tier": "Z"},
                                 {"country": "Narnia"}])
def test_bad_list_parameters_are_refused(seeded, bad):
    with pytest.raises(ValidationError):
        listing(seeded, **bad)


def test_sort_by_employees_both_ways_nulls_last(seeded):
    expected = sorted(c.employees for c in all_companies(seeded.workspace_id)
                      if c.employees is not None)
    rows, _ = listing(seeded, sort="employees", page_size=100)
    values = [r["employees"] for r in rows]
    n = len(expected)
    assert values[:n] == expected and all(v is None for v in values[n:])
    rows, _ = listing(seeded, sort="employees", direction="desc", page_size=100)
    values = [r["employees"] for r in rows]
    assert values[:n] == expected[::-1] and all(v is None for v in values[n:])


def test_sort_by_revenue_and_name(seeded):
    rows, _ = listing(seeded, sort="annual_revenue", direction="desc", page_size=100)
    revenues = [r["annual_revenue"] for r in rows if r["annual_revenue"] is not None]
    assert revenues == sorted(revenues, reverse=True)
    rows, _ = listing(seeded, sort="name", page_size=100)
    names = [r["name"] for r in rows]
    assert len(names) == 40


def test_tag_filter_matches_whole_elements_case_insensitively(alice):
    create(alice, name="A", domain="a.io", tags=["inbound", "Strategic"])
    create(alice, name="B", domain="b.io", tags=["inbound-ish"])
    create(alice, name="C", domain="c.io", tags=['quo"te', "50%_off"])
    create(alice, name="D", domain="d.io", tags=[])

    def names(tag):
        return sorted(r["name"] for r in listing(alice, tag=tag)[0])

    assert names("inbound") == ["A"]
    assert names("STRATEGIC") == ["A"]
    assert names("inbound-ish") == ["B"]
    assert names("in") == []
    assert names('quo"te') == ["C"]
    assert names("50%_off") == ["C"]
    assert names("%") == []


def test_tag_filter_on_seeded_data_matches_python(seeded):
    expected = {c.id for c in all_companies(seeded.workspace_id) if "inbound" in c.tags}
    rows, total = listing(seeded, tag="inbound", page_size=100)
    assert {r["id"] for r in rows} == expected and total == len(expected)


def test_filters_combine_in_sql(seeded):
    rows_all = all_companies(seeded.workspace_id)
    with db.session_scope() as s:  # give some companies a fit tier
        for c in s.exec(select(Company).where(Company.workspace_id == seeded.workspace_id)
                        .order_by(Company.id).limit(10)):
            c.fit_tier, c.fit_score = "A", 90
            s.add(c)
    rows, total = listing(seeded, fit_tier="A", page_size=100)
    assert total == 10 and len(rows) == 10
    rows, total = listing(seeded, fit_tier="unscored", page_size=100)
    assert total == 30
    rows, total = listing(seeded, fit_tier="A,unscored")
    assert total == 40

    us = {c.id for c in rows_all if c.country == "US"}
    rows, total = listing(seeded, country="us", page_size=100)
    assert {r["id"] for r in rows} == us
    tech = {c.id for c in rows_all if c.industry == "Technology"}
    assert {r["id"] for r in listing(seeded, industry="technology", page_size=100)[0]} == tech
    assert listing(seeded, owner_id=seeded.user_id)[1] == 40
    assert listing(seeded, owner_id=999)[1] == 0

    name = rows_all[0].name
    found = {r["id"] for r in listing(seeded, search=name.upper(), page_size=100)[0]}
    assert rows_all[0].id in found
    assert listing(seeded, search="100%")[1] == 0


def test_has_open_deal_filter(seeded):
    with db.session_scope() as s:
        open_ids = set(s.exec(select(Deal.company_id).join(Stage, Stage.id == Deal.stage_id)
                              .where(Stage.kind == "open",
                                     Deal.workspace_id == seeded.workspace_id)).all())
    with_open, n = listing(seeded, has_open_deal=True, page_size=100)
    without, m = listing(seeded, has_open_deal=False, page_size=100)
    assert {r["id"] for r in with_open} == open_ids
    assert n + m == 40 and not ({r["id"] for r in without} & open_ids)


def test_list_shows_only_this_workspace(seeded, bob):
    create(bob, name="Bob's secret", domain="secret.io")
    rows, total = listing(seeded, search="secret")
    assert (rows, total) == ([], 0)


# --- the fit hook -------------------------------------------------------------------

def test_fit_hook_is_called_when_the_fit_module_provides_it(alice, monkeypatch):
    calls = []

    def score_one(session, company):
        calls.append(company.id)
        company.fit_score, company.fit_tier = 77, "B"

    def fit_of(company, specs):
        return {"score": company.fit_score, "tier": company.fit_tier, "icp_id": None,
                "coverage": 1.0, "explanation": [{"field": "industry"}]}

    monkeypatch.setattr(fit, "score_one", score_one)
    monkeypatch.setattr(fit, "fit_of", fit_of)
    acme = create(alice)
    with db.session_scope() as s:
        companies.update_company(s, principal(alice), acme.id, {"employees": 10})
        data = companies.company_dict(s, s.get(Company, acme.id))
    assert calls == [acme.id, acme.id]
    assert data["fit"]["tier"] == "B" and data["fit"]["explanation"] == [{"field": "industry"}]
