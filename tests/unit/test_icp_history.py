"""The reads behind the ICP suggestion and backtest: one query per table, money and
dates as the engines take them, best by paid invoices, deals closed before the
company was added left out, another workspace's ICP not found."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.unit.test_kpis import at, company, deal
from updoot_app import db
from updoot_app.models import Invoice, Payment
from updoot_app.services.kpis import icp_history
from updoot_app.services.platform.errors import NotFound
from updoot_app.services.profiles import icps

FS_ICP = {"name": "FS", "kind": "b2b", "criteria": [
    {"field": "industry", "values": ["Financial Services"], "weight": 100}]}


def paid(ws: int, company_id: int, amount: str) -> None:
    with db.session_scope() as s:
        inv = Invoice(workspace_id=ws, number=f"INV-{company_id}-{amount}", status="paid",
                      company_id=company_id, issue_date=date(2026, 11, 1),
                      due_date=date(2026, 12, 1), total=Decimal(amount),
                      amount_paid=Decimal(amount))
        s.add(inv)
        s.flush()
        s.add(Payment(workspace_id=ws, invoice_id=inv.id, paid_on=date(2026, 11, 2),
                      amount=Decimal(amount)))


@pytest.fixture
def history(alice, principal_of):
    ws = alice.workspace_id
    ids = []
    for i in range(8):
        industry = "Financial Services" if i < 5 else "Retail"
        ids.append(company(ws, f"C{i}", industry=industry, created=at(1)))
        deal(ws, ids[-1], ["New", "Won" if i < 5 else "Lost"], f"{1000 * (i + 1)}.50",
             created=at(2), closed=at(10 + i))
    late = company(ws, "Late", industry="Retail", created=at(20))
    deal(ws, late, ["New", "Won"], "99", created=at(2), closed=at(5))  # before it was added
    for i in range(6):  # leads without deals
        company(ws, f"Lead{i}", industry="Energy", created=at(1))
    for i, cid in enumerate(ids[:6]):
        paid(ws, cid, f"{100 * (6 - i)}.25")
    return ws, ids, principal_of(alice)


def test_reads_one_row_per_company_and_closed_deal(history):
    ws, ids, _p = history
    with db.session_scope() as s:
        companies = icp_history.read_companies(s, ws)
        deals = icp_history.read_closed_deals(s, ws)
        paid_frame = icp_history.read_paid(s, ws)
    assert len(companies) == 15 and "created_at" in companies
    assert len(deals) == 9 and int(deals["won"].sum()) == 6
    assert sorted(deals["value"])[:2] == [99.0, 1000.5]
    assert dict(zip(paid_frame["company_id"], paid_frame["amount"], strict=True))[ids[0]] \
        == 600.25


def test_suggest_from_paid_invoices_and_the_backtest_leaves_out_early_deals(history):
    ws, ids, p = history
    with db.session_scope() as s:
        out = icp_history.suggest_icp(s, p, {"best": "top_paid", "top": 5})
    assert out["best_count"] == 5 and out["status"] == "ok"
    assert out["draft"]["criteria"][0]["values"] == ["Financial Services"]
    assert out["backtest"]["current"] is None  # no active ICP yet
    draft = out["backtest"]["draft"]
    assert draft["excluded"] == 1 and draft["n"] == 8 and draft["auc"] == 1.0
    with db.session_scope() as s:
        icp = icps.create_icp(s, p, FS_ICP)
        icp_id = icp.id
    with db.session_scope() as s:
        bt = icp_history.backtest_icp(s, p, icp_id, with_current=True)
        assert bt["n"] == 8 and bt["current"]["auc"] == 1.0 and bt["version"] == 1
        tiers = {t["tier"]: t for t in bt["tiers"]}
        assert (tiers["A"]["closed"], tiers["A"]["won"], tiers["D"]["won"]) == (5, 5, 0)


def test_another_workspaces_icp_is_not_found(history, bob, principal_of):
    _ws, _ids, p = history
    with db.session_scope() as s:
        icp_id = icps.create_icp(s, p, FS_ICP).id
    with db.session_scope() as s, pytest.raises(NotFound):
        icp_history.backtest_icp(s, principal_of(bob), icp_id)
