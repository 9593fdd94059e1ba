"""Fit scoring of one company: matching rules, disqualifiers, tiers (profiles.scoring)."""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from tests.unit.scoring_helpers import ACME, make_icp, only
from updoot_app.services.profiles.examples import DESIGN_ICP
from updoot_app.services.profiles.scoring import score_company, score_frame
from updoot_app.services.profiles.scoring_model import IcpSpec, Thresholds, parse_icp


def results_of(company, icps):
    return [item["result"] for item in score_company(company, icps).explanation]


# --------------------------------------------------------------------------- the design example


def test_design_example_scores_100_a():
    fit = score_company(ACME, [parse_icp(DESIGN_ICP, id=3)])
    assert fit.to_dict() == {
        "score": 100,
        "tier": "A",
        "icp_id": 3,
        "coverage": 1.0,
        "explanation": [
            {"field": "industry", "weight": 40, "points": 40, "result": "match"},
            {"field": "employees", "weight": 30, "points": 30, "result": "match"},
            {"field": "geography", "weight": 20, "points": 20, "result": "match"},
            {"field": "tech_stack", "weight": 10, "points": 10, "result": "match"},
        ],
    }


def test_partial_match_points_and_coverage():
    company = dict(ACME, employees=100, country=None, tech_stack=["GCP"])
    fit = score_company(company, [parse_icp(DESIGN_ICP, id=3)])
    assert fit.score == 40
    assert fit.tier == "C"
    assert fit.coverage == pytest.approx(0.8)
    assert [i["result"] for i in fit.explanation] == ["match", "miss", "unknown", "miss"]
    assert [i["points"] for i in fit.explanation] == [40, 0, 0, 0]


# --------------------------------------------------------------------------- matching rules


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Technology", "match"),
        ("technology", "match"),
        ("  TECHNOLOGY ", "match"),
        ("Retail", "miss"),
        ("Tech", "miss"),
    ],
)
def test_text_matching_is_case_insensitive_and_trimmed(value, expected):
    assert results_of({"industry": value}, [only("industry", values=["Technology"])]) == [expected]


def test_criterion_values_are_normalised_too():
    icp = only("industry", values=["  financial SERVICES "])
    assert results_of({"industry": "Financial Services"}, [icp]) == ["match"]


@pytest.mark.parametrize("value", [None, float("nan"), np.nan, "", "   ", pd.NA])
def test_unknown_text_values(value):
    fit = score_company({"industry": value}, [only("industry", values=["Technology"])])
    assert fit.explanation[0]["result"] == "unknown"
    assert fit.score == 0
    assert fit.coverage == 0.0


def test_missing_column_is_unknown():
    icps = [parse_icp(DESIGN_ICP, id=1)]
    fit = score_company({"id": 1}, icps)
    assert [i["result"] for i in fit.explanation] == ["unknown"] * 4
    assert (fit.score, fit.tier, fit.coverage) == (0, "D", 0.0)
    frame = score_frame(pd.DataFrame({"id": [1, 2]}), icps)
    assert frame["score"].tolist() == [0, 0]
    assert frame["coverage"].tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["AWS"], "match"),
        (["gcp", " aws "], "match"),
        (["GCP", "Azure"], "miss"),
        ("AWS", "match"),
        (("Azure", "AWS"), "match"),
        (None, "unknown"),
        ([], "unknown"),
        ([""], "unknown"),
        ([None], "unknown"),
        (float("nan"), "unknown"),
        (["", "GCP"], "miss"),
    ],
)
def test_list_fields_match_any_value(value, expected):
    icp = only("tech_stack", values=["AWS", "Snowflake"])
    assert results_of({"tech_stack": value}, [icp]) == [expected]


@pytest.mark.parametrize("field", ["triggers", "tags"])
def test_other_list_fields(field):
    icp = only(field, values=["Recent funding"])
    assert results_of({field: ["recent FUNDING"]}, [icp]) == ["match"]
    assert results_of({field: ["hiring"]}, [icp]) == ["miss"]
    assert results_of({field: []}, [icp]) == ["unknown"]


@pytest.mark.parametrize(
    ("employees", "expected"),
    [
        (500, "match"),
        (2000, "match"),
        (1000, "match"),
        (499, "miss"),
        (2001, "miss"),
        (500.0, "match"),
        ("800", "match"),
        (None, "unknown"),
        (float("nan"), "unknown"),
        ("", "unknown"),
        ("many", "unknown"),
    ],
)
def test_range_is_inclusive_at_both_bounds(employees, expected):
    icp = only("employees", min=500, max=2000)
    assert results_of({"employees": employees}, [icp]) == [expected]


def test_range_with_only_min():
    icp = only("employees", min=500)
    assert results_of({"employees": 500}, [icp]) == ["match"]
    assert results_of({"employees": 10**7}, [icp]) == ["match"]
    assert results_of({"employees": 499}, [icp]) == ["miss"]


def test_range_with_only_max():
    icp = only("employees", max=50)
    assert results_of({"employees": 0}, [icp]) == ["match"]
    assert results_of({"employees": 50}, [icp]) == ["match"]
    assert results_of({"employees": 51}, [icp]) == ["miss"]


@pytest.mark.parametrize(
    ("revenue", "expected"),
    [
        (Decimal("1000000"), "match"),
        (Decimal("50000000.00"), "match"),
        (50_000_000.0, "match"),
        ("50000000", "match"),
        (Decimal("50000000.01"), "miss"),
        (Decimal("999999.99"), "miss"),
        (None, "unknown"),
        (float("nan"), "unknown"),
    ],
)
def test_annual_revenue_range_with_decimals(revenue, expected):
    icp = only("annual_revenue", min="1000000", max="50000000")
    assert results_of({"annual_revenue": revenue}, [icp]) == [expected]


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("DE", "match"),
        ("fr", "match"),
        ("US", "match"),
        ("MX", "match"),
        ("JP", "miss"),
        ("BR", "miss"),
        (None, "unknown"),
        ("", "unknown"),
        (float("nan"), "unknown"),
    ],
)
def test_geography_expands_regions(country, expected):
    icp = only("geography", values=["North America", "Europe"])
    assert results_of({"country": country}, [icp]) == [expected]


def test_geography_with_country_codes_and_names():
    icp = only("geography", values=["JP", "singapore"])
    assert results_of({"country": "SG"}, [icp]) == ["match"]
    assert results_of({"country": "JP"}, [icp]) == ["match"]
    assert results_of({"country": "CN"}, [icp]) == ["miss"]


# --------------------------------------------------------------------------- disqualifiers


def test_disqualifier_makes_not_a_fit_but_keeps_score():
    icp = parse_icp(DESIGN_ICP, id=3)
    company = dict(ACME, industry="government")
    fit = score_company(company, [icp])
    assert fit.tier == "not_a_fit"
    assert fit.score == 60
    assert fit.explanation[-1] == {
        "field": "industry",
        "weight": 0,
        "points": 0,
        "result": "disqualified",
    }


def test_disqualifier_on_unknown_data_does_not_fire():
    icp = make_icp(
        {"field": "industry", "values": ["Technology"], "weight": 100},
        disqualifiers=[{"field": "employees", "max": 10}, {"field": "tags", "values": ["churned"]}],
    )
    assert score_company({"industry": "Technology"}, [icp]).tier == "A"
    assert score_company({"industry": "Technology", "employees": 10}, [icp]).tier == "not_a_fit"
    assert score_company({"industry": "Technology", "employees": 11}, [icp]).tier == "A"
    fit = score_company({"industry": "Technology", "tags": ["VIP", "Churned"]}, [icp])
    assert fit.tier == "not_a_fit"
    assert [i["field"] for i in fit.explanation if i["result"] == "disqualified"] == ["tags"]


def test_geography_disqualifier():
    icp = make_icp(
        {"field": "industry", "values": ["Retail"], "weight": 100},
        disqualifiers=[{"field": "geography", "values": ["DACH"]}],
    )
    assert score_company({"industry": "Retail", "country": "AT"}, [icp]).tier == "not_a_fit"
    assert score_company({"industry": "Retail", "country": "FR"}, [icp]).tier == "A"


# --------------------------------------------------------------------------- tiers


def _icp_scoring(points: int) -> IcpSpec:
    """An ICP where the test company earns exactly ``points``."""
    criteria = [{"field": "industry", "values": ["Technology"], "weight": points}]
    if points < 100:
        criteria.append({"field": "employees", "min": 10**6, "weight": 100 - points})
    return make_icp(*criteria)


@pytest.mark.parametrize(
    ("points", "tier"),
    [(0, "D"), (39, "D"), (40, "C"), (59, "C"), (60, "B"), (79, "B"), (80, "A"), (100, "A")],
)
def test_tier_boundaries(points, tier):
    fit = score_company({"industry": "Technology", "employees": 5}, [_icp_scoring(points)])
    assert (fit.score, fit.tier, fit.coverage) == (points, tier, 1.0)


def test_custom_thresholds():
    thresholds = Thresholds(a=90, b=70, c=50)
    company = {"industry": "Technology", "employees": 5}
    assert score_company(company, [_icp_scoring(80)], thresholds).tier == "B"
    assert score_company(company, [_icp_scoring(90)], thresholds).tier == "A"
    assert score_company(company, [_icp_scoring(49)], thresholds).tier == "D"


def test_thresholds_must_be_ordered():
    with pytest.raises(ValueError):
        Thresholds(a=50, b=60, c=40)
    with pytest.raises(ValueError):
        Thresholds(a=120)
