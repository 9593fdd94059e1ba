"""Each deal's copy of its company's fit (deals.company_fit_*, kept by the triggers of
migration 0009_deal_fit) stays equal to the company's fit through every write: deals
created (service or plain insert) or moved to another company, companies edited,
re-scored after an ICP change, updated by a CSV import; and the KPI results by fit read
from the copy equal those of joining every deal to its company."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import case, func, text
from sqlmodel import select

from tests.unit.test_company_import import run_import
from tests.unit.test_kpis import at, deal
from updoot_app import db
from updoot_app.models import Company, Deal
from updoot_app.services.crm import companies, deals
from updoot_app.services.kpis import closed_deals, figure, memo, periods, segments
from updoot_app.services.profiles import icps

ICP = {"name": "Security buyers", "kind": "b2b",
       "criteria": [{"field": "industry", "values": ["Technology"], "weight": 60},
                    {"field": "employees", "min": 100, "max": 5000, "weight": 40}]}


def copies(ws: int) -> dict[int, tuple]:
    """deal id -> (its copy, its company's fit)."""
    with db.session_scope() as s:
        rows = s.exec(select(Deal.id, Deal.company_fit_tier, Deal.company_fit_icp_id,
                             Deal.company_fit_results, Company.fit_tier, Company.fit_icp_id,
                             Company.fit_results)
                      .join(Company, Company.id == Deal.company_id)
                      .where(Deal.workspace_id == ws)).all()
    return {r[0]: (tuple(r[1:4]), tuple(r[4:7])) for r in rows}


def assert_in_step(ws: int) -> dict[int, tuple]:
    found = copies(ws)
    assert found
    for deal_id, (copy, fit) in found.items():
        assert copy == fit, deal_id
    return {deal_id: copy for deal_id, (copy, _fit) in found.items()}


def by_join(ws: int, period) -> list[tuple]:
    """closed_by_fit computed by joining each deal to its company (the definition)."""
    with db.session_scope() as s:
        stages = memo.stages_of(s, ws)
        won = Deal.stage_id.in_(stages.won_ids)
        stmt = (select(Company.fit_tier, Company.fit_icp_id, Company.fit_results,
                       func.sum(case((won, 1), else_=0)), func.count(),
                       func.sum(case((won, Deal.value), else_=None)))
                .select_from(Deal).join(Company, Company.id == Deal.company_id)
                .where(Deal.workspace_id == ws, periods.in_period(Deal.closed_at, period),
                       Deal.stage_id.in_(stages.won_ids + stages.lost_ids))
                .group_by(Company.fit_tier, Company.fit_icp_id, Company.fit_results))
        return sorted((t, i, r, int(w), int(n), figure.money_sum(v))
                      for t, i, r, w, n, v in s.exec(stmt).all())


def by_copy(ws: int, period) -> list[tuple]:
    with db.session_scope() as s:
        return sorted(row[:6] for row in closed_deals.closed_by_fit(s, ws, period))


def test_copy_follows_every_write(alice, principal_of):
    p = principal_of(alice)
    ws = p.workspace_id
    with db.session_scope() as s:
        unscored = companies.create_company(s, p, {"name": "Early", "industry": "Technology",
                                                   "employees": 500}).id
    with db.session_scope() as s:  # no ICP yet: unscored, and so is the deal's copy
        first = deals.create_deal(s, p, {"company_id": unscored, "title": "One",
                                         "value": "1000", "stage": "Won"}).id
    assert assert_in_step(ws)[first] == (None, None, None)

    with db.session_scope() as s:  # an ICP re-scores every company: the deals follow
        icp_id = icps.create_icp(s, p, ICP).id
    assert assert_in_step(ws)[first] == ("A", icp_id, "MM")

    with db.session_scope() as s:  # created through the service, on a scored company
        retail = companies.create_company(s, p, {"name": "Shop", "industry": "Retail",
                                                 "employees": 50}).id
        second = deals.create_deal(s, p, {"company_id": retail, "title": "Two",
                                          "value": "500", "stage": "Lost",
                                          "lost_reason": "Price"}).id
    assert assert_in_step(ws)[second] == ("D", icp_id, "XX")
    third = deal(ws, retail, ["New", "Won"], "700", created=at(2), closed=at(3))  # plain insert
    assert assert_in_step(ws)[third] == ("D", icp_id, "XX")

    with db.session_scope() as s:  # the company is edited: its deals follow
        companies.update_company(s, p, retail, {"industry": "Technology"})
    found = assert_in_step(ws)
    assert found[second] == found[third] == ("B", icp_id, "MX")

    with db.session_scope() as s:  # a deal moves to another company
        deals.update_deal(s, p, third, {"company_id": unscored})
    assert assert_in_step(ws)[third] == ("A", icp_id, "MM")

    with db.session_scope() as s:  # the ICP changes: re-scored, the deals follow
        icps.update_icp(s, p, icp_id, {"criteria": [
            {"field": "industry", "values": ["Retail"], "weight": 60},
            {"field": "employees", "min": 100, "max": 5000, "weight": 40}]})
    found = assert_in_step(ws)
    assert found[first] == ("C", icp_id, "XM") and found[second] == ("D", icp_id, "XX")

    with db.session_scope() as s:  # no active ICP any more: every fit is cleared
        icps.set_active(s, p, icp_id, False)
    assert set(assert_in_step(ws).values()) == {(None, None, None)}


def test_copy_follows_a_csv_import_update(alice, principal_of):
    p = principal_of(alice)
    ws = p.workspace_id
    with db.session_scope() as s:
        icps.create_icp(s, p, ICP)
        cid = companies.create_company(s, p, {"name": "Acme", "domain": "acme.io",
                                              "industry": "Retail", "employees": 500}).id
    did = deal(ws, cid, ["New", "Lost"], "100", created=at(2), closed=at(3))
    assert assert_in_step(ws)[did][0] == "C"
    run_import(alice, b"name,domain,industry\nAcme,acme.io,Technology\n",
               on_duplicate="update")
    assert assert_in_step(ws)[did][0] == "A"


def test_bulk_sql_writes_keep_the_copy(alice, principal_of):
    """Writes that bypass the services (bulk SQL) keep it too: the triggers do it."""
    p = principal_of(alice)
    ws = p.workspace_id
    with db.session_scope() as s:
        cid = companies.create_company(s, p, {"name": "Acme"}).id
    did = deal(ws, cid, ["New"], "100", created=at(2))
    with db.session_scope() as s:
        s.execute(text("UPDATE companies SET fit_tier = 'B', fit_icp_id = 99, "
                       "fit_results = 'MXU' WHERE id = :id"), {"id": cid})
    assert assert_in_step(ws)[did] == ("B", 99, "MXU")


def test_results_by_fit_equal_the_join(alice, principal_of):
    p = principal_of(alice)
    ws = p.workspace_id
    with db.session_scope() as s:
        ids = [companies.create_company(s, p, {"name": f"C{i}", "industry": ind,
                                               "employees": emp}).id
               for i, (ind, emp) in enumerate([("Technology", 500), ("Technology", 10),
                                               ("Retail", 500), ("Retail", None)])]
    nov = periods.parse_period("2026-11")
    for i, cid in enumerate(ids):  # unscored companies first
        deal(ws, cid, ["New", "Won"], f"{100 * (i + 1)}", created=at(1), closed=at(5 + i))
        deal(ws, cid, ["New", "Lost"], "50", created=at(1), closed=at(6))
        deal(ws, cid, ["New", "Won"], "999", created=at(1, 9), closed=at(1, 10))  # October
    assert by_copy(ws, nov) == by_join(ws, nov) == [
        (None, None, None, 4, 8, Decimal("1000.0000"))]
    with db.session_scope() as s:
        icps.create_icp(s, p, ICP)
    assert by_copy(ws, nov) == by_join(ws, nov)
    assert [(t, r, w, n) for t, _i, r, w, n, _v in by_copy(ws, nov)] == [
        ("A", "MM", 1, 2), ("B", "MX", 1, 2), ("C", "XM", 1, 2), ("D", "XU", 1, 2)]
    year = periods.parse_period("2026")
    assert by_copy(ws, year) == by_join(ws, year)
    assert sum(n for *_k, n, _v in by_copy(ws, year)) == 12
    empty = periods.custom_period(at(1, 1, 2020).date(), (at(1, 1, 2020) + timedelta(days=3)).date())
    assert by_copy(ws, empty) == by_join(ws, empty) == []


def test_fit_segments_equal_the_join(alice, principal_of):
    """A fit-tier or ICP segment (on SQLite read from the copy) selects the deals whose
    company is in it: its closed summary is the sum of those companies' groups."""
    p = principal_of(alice)
    ws = p.workspace_id
    with db.session_scope() as s:
        icp_id = icps.create_icp(s, p, ICP).id
        ids = [companies.create_company(s, p, {"name": f"C{i}", "industry": ind,
                                               "employees": emp}).id
               for i, (ind, emp) in enumerate([("Technology", 500), ("Technology", 10),
                                               ("Retail", 500), ("Technology", 600)])]
    for i, cid in enumerate(ids):
        deal(ws, cid, ["New", "Won"], f"{100 * (i + 1)}", created=at(1), closed=at(5 + i))
        deal(ws, cid, ["New", "Lost"], "50", created=at(1), closed=at(6))
    nov = periods.parse_period("2026-11")
    joined = by_join(ws, nov)
    for seg, keep in ((segments.Segment("fit_tier", "A"), lambda r: r[0] == "A"),
                      (segments.Segment("fit_tier", "C"), lambda r: r[0] == "C"),
                      (segments.Segment("fit_tier", "none"), lambda r: r[0] is None),
                      (segments.Segment("icp", str(icp_id)), lambda r: r[1] == icp_id),
                      (segments.Segment("icp", str(icp_id + 1)), lambda r: r[1] == icp_id + 1)):
        rows = [r for r in joined if keep(r)]
        with db.session_scope() as s:
            summary = closed_deals.closed_summary(s, ws, nov, seg)
            by_fit = sorted(r[:6] for r in closed_deals.closed_by_fit(s, ws, nov, seg))
        assert by_fit == rows, seg
        assert (summary["won"], summary["closed"], summary["won_value"]) == (
            sum(r[3] for r in rows), sum(r[4] for r in rows),
            sum((r[5] for r in rows), Decimal(0))), seg
    with db.session_scope() as s:
        a = closed_deals.closed_summary(s, ws, nov, segments.Segment("fit_tier", "A"))
    assert (a["won"], a["closed"], a["won_value"], a["cycle_days_sum"]) == (
        2, 4, Decimal("500"), 4.0 + 7.0)
