"""Fit scoring of whole frames and several ICPs (updoot_app.services.profiles.scoring)."""

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from tests.unit.scoring_helpers import ACME, make_icp, only
from updoot_app.services.profiles.examples import DESIGN_ICP
from updoot_app.services.profiles.explanations import explain
from updoot_app.services.profiles.scoring import score_company, score_frame, tier_counts
from updoot_app.services.profiles.scoring_model import Disqualifier, IcpSpec, parse_icp

# --------------------------------------------------------------------------- several ICPs


def test_best_match_is_highest_score():
    tech = make_icp({"field": "industry", "values": ["Technology"], "weight": 100}, id=1)
    big = make_icp({"field": "employees", "min": 100, "weight": 100}, id=2)
    fit = score_company({"industry": "Retail", "employees": 500}, [tech, big])
    assert (fit.icp_id, fit.score, fit.tier) == (2, 100, "A")
    assert fit.explanation == [
        {"field": "employees", "weight": 100, "points": 100, "result": "match"}
    ]


def test_best_match_prefers_not_disqualified():
    strict = make_icp(
        {"field": "industry", "values": ["Technology"], "weight": 100},
        disqualifiers=[{"field": "employees", "min": 1000}],
        id=1,
    )
    loose = make_icp(
        {"field": "industry", "values": ["Technology"], "weight": 50},
        {"field": "geography", "values": ["Asia"], "weight": 50},
        id=2,
    )
    fit = score_company(
        {"industry": "Technology", "employees": 5000, "country": "US"}, [strict, loose]
    )
    assert (fit.icp_id, fit.score, fit.tier) == (2, 50, "C")


def test_all_disqualified_keeps_highest_score():
    one = make_icp(
        {"field": "industry", "values": ["Technology"], "weight": 100},
        disqualifiers=[{"field": "employees", "min": 1}],
        id=1,
    )
    two = make_icp(
        {"field": "industry", "values": ["Technology"], "weight": 60},
        {"field": "tags", "values": ["x"], "weight": 40},
        disqualifiers=[{"field": "employees", "min": 1}],
        id=2,
    )
    fit = score_company({"industry": "Technology", "employees": 5}, [two, one])
    assert (fit.icp_id, fit.score, fit.tier) == (1, 100, "not_a_fit")


def test_score_tie_broken_by_coverage():
    # Both earn 50; the first knows 50 % of its weight, the second 100 %.
    low_coverage = make_icp(
        {"field": "industry", "values": ["Technology"], "weight": 50},
        {"field": "tags", "values": ["x"], "weight": 50},
        id=1,
    )
    full_coverage = make_icp(
        {"field": "industry", "values": ["Technology"], "weight": 50},
        {"field": "employees", "min": 10**6, "weight": 50},
        id=2,
    )
    fit = score_company({"industry": "Technology", "employees": 10}, [low_coverage, full_coverage])
    assert (fit.icp_id, fit.score, fit.coverage) == (2, 50, 1.0)


def test_full_tie_broken_by_lowest_id_whatever_the_order():
    a = make_icp({"field": "industry", "values": ["Technology"], "weight": 100}, id=7)
    b = make_icp({"field": "industry", "values": ["technology"], "weight": 100}, id=4)
    for icps in ([a, b], [b, a]):
        assert score_company({"industry": "Technology"}, icps).icp_id == 4
        assert score_frame(pd.DataFrame({"industry": ["Technology"]}), icps)["icp_id"].iat[0] == 4


def test_duplicate_icp_ids_are_rejected():
    a = only("industry", values=["Technology"])
    with pytest.raises(ValueError):
        score_frame(pd.DataFrame({"industry": ["x"]}), [a, a])


def test_unsaved_icp_can_be_scored():
    draft = parse_icp(DESIGN_ICP)
    fit = score_company(ACME, [draft])
    assert (fit.score, fit.icp_id) == (100, None)


# --------------------------------------------------------------------------- no ICP


def test_no_icp_gives_empty_fit():
    fit = score_company(ACME, [])
    assert fit.to_dict() == {
        "score": None,
        "tier": None,
        "icp_id": None,
        "coverage": None,
        "explanation": [],
    }
    frame = score_frame(pd.DataFrame([ACME, ACME]), [])
    assert list(frame.columns) == ["id", "score", "tier", "icp_id", "coverage", "results"]
    for column in ["score", "tier", "icp_id", "coverage", "results"]:
        assert frame[column].tolist() == [None, None]
    assert explain(None, None) == []
    assert tier_counts(frame) == {"A": 0, "B": 0, "C": 0, "D": 0, "not_a_fit": 0}


# --------------------------------------------------------------------------- frame shape


def test_score_frame_keeps_index_and_ids():
    companies = pd.DataFrame(
        {"id": [10, 11, 12], "industry": ["Technology", "Retail", None]}, index=["x", "y", "z"]
    )
    icp = only("industry", values=["Technology"])
    frame = score_frame(companies, [icp])
    assert list(frame.index) == ["x", "y", "z"]
    assert list(frame.columns) == ["id", "score", "tier", "icp_id", "coverage", "results"]
    assert frame["id"].tolist() == [10, 11, 12]
    assert frame["score"].tolist() == [100, 0, 0]
    assert frame["tier"].tolist() == ["A", "D", "D"]
    assert frame["coverage"].tolist() == [1.0, 1.0, 0.0]
    assert [explain(code, icp)[0]["result"] for code in frame["results"]] == [
        "match",
        "miss",
        "unknown",
    ]


def test_empty_frame():
    frame = score_frame(pd.DataFrame(columns=["id", "industry"]), [parse_icp(DESIGN_ICP, id=1)])
    assert len(frame) == 0
    assert list(frame.columns) == ["id", "score", "tier", "icp_id", "coverage", "results"]


def test_tier_counts():
    icp = only("industry", values=["Technology"])
    icp = IcpSpec(icp.id, icp.name, icp.kind, icp.criteria, (Disqualifier("employees", min=1000),))
    companies = pd.DataFrame(
        {
            "industry": ["Technology", "Technology", "Retail", None, "Technology"],
            "employees": [1, 2, 3, 4, 5000],
        }
    )
    assert tier_counts(score_frame(companies, [icp])) == {
        "A": 2,
        "B": 0,
        "C": 0,
        "D": 2,
        "not_a_fit": 1,
    }


# --------------------------------------------------------------------------- bulk == single


def _random_companies(n: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    industries = ["Technology", "technology ", "Retail", "Government", "", None, np.nan]
    countries = ["US", "DE", "fr", "JP", "BR", "AU", "ZA", "AE", None, "", "XX"]
    tech = ["AWS", "aws", "GCP", "SAP", "Shopify", ""]
    companies = []
    for i in range(n):
        employees = [None, np.nan, int(rng.integers(1, 5000)), 500, 2000][rng.integers(0, 5)]
        revenue = [
            None,
            float(rng.integers(0, 10**8)),
            Decimal(int(rng.integers(0, 10**8))),
            Decimal("1000000"),
            np.nan,
        ][rng.integers(0, 5)]
        stack = list(rng.choice(tech, rng.integers(0, 4)))
        companies.append(
            {
                "id": i,
                "industry": industries[rng.integers(0, len(industries))],
                "employees": employees,
                "annual_revenue": revenue,
                "country": countries[rng.integers(0, len(countries))],
                "tech_stack": [None, stack][rng.integers(0, 2)],
                "triggers": list(rng.choice(["expansion", "recent funding"], rng.integers(0, 3))),
                "tags": list(rng.choice(["vip", "churned", "inbound"], rng.integers(0, 2))),
            }
        )
    return companies


def _three_icps():
    second = make_icp(
        {"field": "geography", "values": ["EU", "APAC"], "weight": 30},
        {"field": "annual_revenue", "min": "1000000", "max": "60000000", "weight": 30},
        {"field": "triggers", "values": ["expansion"], "weight": 20},
        {"field": "tags", "values": ["VIP"], "weight": 20},
        disqualifiers=[{"field": "tags", "values": ["churned"]}],
        id=2,
    )
    third = make_icp(
        {"field": "tech_stack", "values": ["SAP", "shopify"], "weight": 50},
        {"field": "employees", "max": 600, "weight": 50},
        disqualifiers=[{"field": "industry", "values": ["government"]}],
        id=5,
    )
    return [parse_icp(DESIGN_ICP, id=1), second, third]


def test_bulk_and_single_paths_agree_on_a_random_frame():
    companies = _random_companies(400, seed=11)
    icps = _three_icps()
    frame = score_frame(pd.DataFrame(companies), icps)
    by_id = {icp.id: icp for icp in icps}
    assert set(frame["tier"]) == {"A", "B", "C", "D", "not_a_fit"}  # the frame is varied
    for company, (_, row) in zip(companies, frame.iterrows(), strict=True):
        fit = score_company(company, icps)
        assert row["id"] == company["id"]
        assert (int(row["score"]), row["tier"], int(row["icp_id"])) == (
            fit.score,
            fit.tier,
            fit.icp_id,
        )
        assert math.isclose(row["coverage"], fit.coverage)
        assert explain(row["results"], by_id[fit.icp_id]) == fit.explanation
