"""The ICP suggestion and the backtest engines (pure): evidence, draft, small data,
and their properties (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from updoot_app.services.kpis import icp_attributes, icp_backtest, icp_suggest
from updoot_app.services.profiles.scoring_model import parse_icp

T0 = datetime(2026, 1, 1, tzinfo=UTC)
INDUSTRIES = ("Financial Services", "Technology", "Retail", "Education", "Energy")


def frame(rows: list[dict]) -> pd.DataFrame:
    base = {"industry": None, "employees": None, "annual_revenue": None, "country": None,
            "tech_stack": [], "triggers": [], "tags": [], "created_at": T0}
    return pd.DataFrame([{"id": i + 1, **base, **r} for i, r in enumerate(rows)])


def story(n_fs_best=9, n_other_best=5, n_fs_rest=11, n_other_rest=89) -> tuple:
    """14 best customers, 9 in Financial Services, all of 500-2,000 people with an
    audit trigger; 100 others, 11 of them in Financial Services, of every size."""
    rows = ([{"industry": "Financial Services", "employees": 800 + 50 * i,
              "triggers": ["audit"]} for i in range(n_fs_best)]
            + [{"industry": "Retail", "employees": 1200 + 50 * i, "triggers": ["audit"]}
               for i in range(n_other_best)]
            + [{"industry": "Financial Services", "employees": 40 + 900 * i,
                "triggers": ["expansion"]} for i in range(n_fs_rest)]
            + [{"industry": INDUSTRIES[1 + i % 4], "employees": 40 + i * 97 % 9000,
                "triggers": ["expansion"] if i % 3 else []} for i in range(n_other_rest)])
    best = [True] * (n_fs_best + n_other_best) + [False] * (n_fs_rest + n_other_rest)
    return frame([{**r, "country": "US"} for r in rows]), np.array(best)


def test_evidence_line_and_draft_in_the_api_shape():
    companies, best = story()
    out = icp_suggest.suggest(companies, best)
    assert out["status"] == "ok" and out["best_count"] == 14
    fs = next(r for r in out["evidence"] if r["value"] == "Financial Services")
    assert (fs["k_best"], fs["n_best"], fs["k_rest"], fs["n_rest"]) == (9, 14, 11, 100)
    assert fs["best_share"] == pytest.approx(9 / 14, abs=1e-3) and fs["rest_share"] == 0.11
    assert fs["line"].startswith("Financial Services: 9 of 14 best customers (64 %) vs 11 % "
                                 "of the rest, lift ")
    assert fs["proposed"] and 1.3 < fs["lift"] < 9 / 14 / 0.11  # shrunk below the raw 5.8
    spec = parse_icp(out["draft"])  # the POST /icps shape, valid as is
    by_field = {c.field: c for c in spec.criteria}
    assert "Financial Services" in by_field["industry"].values
    assert by_field["triggers"].values == ("audit",)
    assert sum(c.weight for c in spec.criteria) == 100
    assert (by_field["employees"].min, by_field["employees"].max) == (500, 2000)
    assert {r["field"] for r in out["reasons"]} == set(by_field)


def test_few_or_no_best_customers_propose_nothing():
    companies, best = story(n_fs_best=3, n_other_best=1)
    out = icp_suggest.suggest(companies, best)
    assert out["status"] == "too_few" and out["draft"] is None and out["evidence"] == []
    assert "Only 4 best customers" in out["message"]
    none = icp_suggest.suggest(companies, np.zeros(len(companies), dtype=bool))
    assert none["status"] == "none" and "Mark the deals you win as Won" in none["message"]


def test_thin_attributes_are_listed_not_guessed():
    companies, best = story()
    companies["annual_revenue"] = None
    companies.loc[:2, "annual_revenue"] = 5_000_000  # 3 best customers with a revenue
    out = icp_suggest.suggest(companies, best)
    thin = {r["attribute"]: r for r in out["not_enough_data"]}
    assert thin["revenue_band"]["n_best"] == 3 and "tech_stack" in thin
    assert "annual_revenue" not in {c["field"] for c in out["draft"]["criteria"]}
    assert not any(r["attribute"] == "revenue_band" for r in out["evidence"])


def test_pick_best_modes():
    companies = frame([{"tags": ["VIP"]}, {"tags": ["vip "]}, {}, {}])
    deals = pd.DataFrame({"company_id": [1, 2, 2, 3, 4], "won": [True, True, True, False, True],
                          "value": [100.0, 60.0, 60.0, 999.0, 100.0]})
    pick = icp_suggest.pick_best
    assert pick(companies, deals).tolist() == [True, True, False, True]
    top = pick(companies, deals, mode="top_revenue", top=2).tolist()
    assert top == [True, True, False, False]  # 120 first, then 100 twice: the lower id
    paid = pd.DataFrame({"company_id": [3, 3, 1], "amount": [5.0, 5.0, 7.0]})
    assert pick(companies, deals, mode="top_paid", top=1, paid=paid).tolist() == [
        False, False, True, False]
    assert pick(companies, deals, mode="tag", tag="VIP").tolist() == [True, True, False, False]


def test_the_defining_tag_is_not_evidence():
    companies, best = story()
    companies["tags"] = [["vip"] if b else [] for b in best]
    out = icp_suggest.suggest(companies, best, exclude_tag="VIP")
    assert not any(r["attribute"] == "tags" for r in out["evidence"])


def test_bands_and_ranges_read_well():
    assert icp_attributes.band_label(icp_attributes.EMPLOYEE_EDGES, 5, False) == "500–999"
    assert icp_attributes.band_label(icp_attributes.REVENUE_EDGES, 3, True) == "5M–10M"
    assert icp_attributes.band_label(icp_attributes.EMPLOYEE_EDGES, 13, False) == "500,000+"


# --------------------------------------------------------------------------- backtest


def deals_frame(rows: list[tuple]) -> pd.DataFrame:
    """(company_id, won, value, days after T0) per deal."""
    return pd.DataFrame([{"id": i + 1, "company_id": c, "won": w, "value": v,
                          "closed_at": T0 + timedelta(days=d)}
                         for i, (c, w, v, d) in enumerate(rows)])


FS_ICP = parse_icp({"name": "FS", "kind": "b2b", "criteria": [
    {"field": "industry", "values": ["Financial Services"], "weight": 60},
    {"field": "triggers", "values": ["audit"], "weight": 40}]})


def test_backtest_tiers_auc_revenue_share_and_excluded():
    companies = frame([{"industry": "Financial Services", "triggers": ["audit"]},  # A
                       {"industry": "Financial Services", "triggers": ["other"]},  # B
                       {"industry": "Retail", "triggers": ["audit"]},  # C
                       {"industry": "Retail"},  # D (a miss and an unknown)
                       {"industry": "Retail", "created_at": T0 + timedelta(days=50)}])
    deals = deals_frame([(1, True, 100.0, 1), (1, True, 50.0, 2), (2, False, 10.0, 3),
                         (3, True, 30.0, 4), (4, False, 10.0, 5), (4, False, 10.0, 6),
                         (5, True, 999.0, 10)])  # closed before company 5 was known
    out = icp_backtest.backtest(companies, deals, [FS_ICP])
    tiers = {t["tier"]: t for t in out["tiers"]}
    assert (tiers["A"]["closed"], tiers["A"]["won"], tiers["A"]["win_rate"]) == (2, 2, 1.0)
    assert (tiers["B"]["closed"], tiers["B"]["won"]) == (1, 0)
    assert (tiers["C"]["won"], tiers["D"]["closed"], tiers["D"]["win_rate"]) == (1, 2, 0.0)
    assert out["excluded"] == 1 and out["n"] == 6 and out["holdout"] is None
    assert out["won_revenue_share_ab"] == pytest.approx(150 / 180, abs=1e-4)
    # won scores 100, 100, 40 vs lost 60, 0, 0: 8 of 9 pairs ordered right
    assert out["auc"] == pytest.approx(8 / 9, abs=1e-4)


def test_holdout_is_the_most_recent_deals():
    companies = frame([{"industry": "Financial Services", "triggers": ["audit"]},
                       {"industry": "Retail"}])
    deals = deals_frame([(1 + i % 2, i % 2 == 0, 10.0, i) for i in range(100)])
    out = icp_backtest.backtest(companies, deals, [FS_ICP], holdout_specs=[FS_ICP])
    hold = out["holdout"]
    assert hold["n"] == 30 and hold["auc"] == 1.0 and hold["learned_without_it"]
    assert hold["since"].startswith((T0 + timedelta(days=70)).date().isoformat())
    few = icp_backtest.backtest(companies, deals.head(40), [FS_ICP])
    assert few["holdout"] is None  # 12 deals would not say much


# --------------------------------------------------------------------------- properties

company_rows = st.lists(st.fixed_dictionaries({
    "industry": st.sampled_from(INDUSTRIES + (None,)),
    "employees": st.one_of(st.none(), st.integers(1, 30_000)),
    "country": st.sampled_from(("US", "DE", "FR", "JP", "BR", None)),
    "triggers": st.lists(st.sampled_from(("audit", "breach", "ipo")), max_size=2, unique=True),
    "tags": st.lists(st.sampled_from(("a", "b")), max_size=2, unique=True),
    "best": st.booleans()}), min_size=12, max_size=60)
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _split(rows):
    companies = frame([{k: v for k, v in r.items() if k != "best"} for r in rows])
    return companies, np.array([r["best"] for r in rows])


@SETTINGS
@given(company_rows)
def test_weights_sum_to_100(rows):
    out = icp_suggest.suggest(*_split(rows))
    if out["draft"] is not None:
        weights = [c["weight"] for c in out["draft"]["criteria"]]
        assert sum(weights) == 100 and all(w > 0 for w in weights)
        parse_icp(out["draft"])


@SETTINGS
@given(company_rows, st.randoms(use_true_random=False))
def test_row_order_changes_nothing(rows, rnd):
    companies, best = _split(rows)
    order = list(range(len(rows)))
    rnd.shuffle(order)
    shuffled = companies.iloc[order].reset_index(drop=True)
    assert icp_suggest.suggest(shuffled, best[order]) == icp_suggest.suggest(companies, best)


@SETTINGS
@given(company_rows, st.sampled_from(INDUSTRIES), st.sampled_from(("audit", "breach")))
def test_a_best_customer_with_x_never_lowers_the_lift_of_x(rows, industry, trigger):
    companies, best = _split(rows)
    before = icp_attributes.count(icp_attributes.text_values(companies["industry"]), best)
    more = pd.concat([companies, frame([{"industry": industry, "triggers": [trigger]}])],
                     ignore_index=True)
    more_best = np.append(best, True)

    def lift_of(counts, value):
        i = [lab.casefold() for lab in counts.labels].index(value.casefold()) \
            if value.casefold() in [lab.casefold() for lab in counts.labels] else None
        if i is None:
            return None
        return float(icp_attributes.lift(counts.k_best[i], counts.n_best, counts.k_rest[i],
                                         counts.n_rest))

    after = icp_attributes.count(icp_attributes.text_values(more["industry"]), more_best)
    old = lift_of(before, industry)
    assert old is None or lift_of(after, industry) >= old - 1e-12
    t_before = icp_attributes.count(icp_attributes.list_values(companies["triggers"]), best)
    t_after = icp_attributes.count(icp_attributes.list_values(more["triggers"]), more_best)
    old = lift_of(t_before, trigger)
    assert old is None or lift_of(t_after, trigger) >= old - 1e-12


@SETTINGS
@given(st.lists(st.booleans(), min_size=2, max_size=40).filter(lambda w: any(w) and not all(w)))
def test_an_icp_of_the_won_companies_industries_ranks_them_first(won):
    companies = frame([{"industry": f"Industry {i}"} for i in range(len(won))])
    deals = deals_frame([(i + 1, w, 10.0, i) for i, w in enumerate(won)])
    spec = parse_icp({"name": "won", "kind": "b2b", "criteria": [
        {"field": "industry", "values": [f"Industry {i}" for i, w in enumerate(won) if w],
         "weight": 100}]})
    out = icp_backtest.backtest(companies, deals, [spec])
    assert out["auc"] == 1.0
    tiers = {t["tier"]: t for t in out["tiers"]}
    assert tiers["A"]["won"] == tiers["A"]["closed"] == sum(won)


def test_review_reasons_age_and_a_worse_last_quarter():
    companies = frame([{"industry": "Financial Services", "triggers": ["audit"]},
                       {"industry": "Retail"}])
    now = pd.Timestamp("2026-12-06")
    # the quarter before last (Apr-Jun): FS wins, Retail loses; last (Jul-Sep): reversed
    good = [(1, True, 10.0, 100 + i % 80) for i in range(10)] + \
        [(2, False, 10.0, 100 + i % 80) for i in range(10)]
    bad = [(1, False, 10.0, 190 + i % 80) for i in range(10)] + \
        [(2, True, 10.0, 190 + i % 80) for i in range(10)]
    deals = deals_frame(good + bad)
    fresh = pd.Timestamp("2026-10-01")
    reasons = icp_backtest.review_reasons(companies, deals, FS_ICP, fresh, now)
    assert len(reasons) == 1 and "AUC 0.00 on 20 deals vs 1.00 on 20" in reasons[0]
    steady = deals_frame(good + [(c, w, v, d + 90) for c, w, v, d in good])
    assert icp_backtest.review_reasons(companies, steady, FS_ICP, fresh, now) == []
    old = icp_backtest.review_reasons(companies, steady, FS_ICP, pd.Timestamp("2025-09-01"),
                                      now)
    assert old == ["Not reviewed for 15 months."]
