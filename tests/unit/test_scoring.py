"""Fit scoring engine (updoot_app.services.profiles: scoring_model, scoring, explanations)."""

import copy
import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.profiles.explanations import explain, fit_summary
from updoot_app.services.profiles.scoring import score_company, score_frame, tier_counts
from updoot_app.services.profiles.scoring_model import (
    Criterion,
    Disqualifier,
    Fit,
    IcpSpec,
    IcpValidationError,
    Thresholds,
    icp_to_payload,
    parse_icp,
)

DESIGN_ICP = {
    "name": "Mid-market security buyers",
    "kind": "b2b",
    "criteria": [
        {"field": "industry", "values": ["Technology", "Financial Services"], "weight": 40},
        {"field": "employees", "min": 500, "max": 2000, "weight": 30},
        {"field": "geography", "values": ["North America", "Europe"], "weight": 20},
        {"field": "tech_stack", "values": ["AWS"], "weight": 10},
    ],
    "disqualifiers": [{"field": "industry", "values": ["Government"]}],
}

ACME = {
    "name": "Acme",
    "domain": "acme.io",
    "industry": "Technology",
    "employees": 800,
    "annual_revenue": "50000000",
    "country": "US",
    "tech_stack": ["AWS"],
    "triggers": ["recent funding"],
    "tags": [],
}


def make_icp(*criteria, disqualifiers=(), id=1, name="ICP"):
    """An ICP from criterion dicts, e.g. make_icp(("industry", 100, ["Tech"]))."""
    return parse_icp(
        {
            "name": name,
            "kind": "b2b",
            "criteria": list(criteria),
            "disqualifiers": list(disqualifiers),
        },
        id=id,
    )


def only(field, **condition):
    """A one-criterion ICP (weight 100) on ``field``."""
    return make_icp({"field": field, "weight": 100, **condition})


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


# --------------------------------------------------------------------------- explanations


def test_explain_lists_criteria_and_fired_disqualifiers():
    icp = parse_icp(
        dict(
            DESIGN_ICP,
            disqualifiers=[
                {"field": "employees", "max": 5},
                {"field": "industry", "values": ["Government"]},
            ],
        ),
        id=3,
    )
    company = {"industry": "Government", "employees": 800, "country": "JP"}
    fit = score_company(company, [icp])
    assert fit.explanation == [
        {"field": "industry", "weight": 40, "points": 0, "result": "miss"},
        {"field": "employees", "weight": 30, "points": 30, "result": "match"},
        {"field": "geography", "weight": 20, "points": 0, "result": "miss"},
        {"field": "tech_stack", "weight": 10, "points": 0, "result": "unknown"},
        {"field": "industry", "weight": 0, "points": 0, "result": "disqualified"},
    ]
    code = score_frame(pd.DataFrame([company]), [icp])["results"].iat[0]
    assert len(code) == len(icp.criteria) + len(icp.disqualifiers)
    assert explain(code, icp) == fit.explanation


def test_fit_summary_format():
    icp = make_icp(
        {"field": "industry", "values": ["Technology"], "weight": 40},
        {"field": "employees", "min": 100, "weight": 42},
        {"field": "geography", "values": ["Europe"], "weight": 10},
        {"field": "tech_stack", "values": ["AWS"], "weight": 8},
    )
    fit = score_company({"industry": "Technology", "employees": 150, "country": "US"}, [icp])
    assert fit_summary(fit, icp) == (
        "82 · A — industry +40, size +42, region +0 (miss), tech stack ? (unknown)"
    )


def test_fit_summary_labels():
    icp = make_icp(
        {"field": "annual_revenue", "min": "1", "weight": 20},
        {"field": "triggers", "values": ["expansion"], "weight": 30},
        {"field": "tags", "values": ["vip"], "weight": 50},
    )
    fit = score_company({"annual_revenue": Decimal("10"), "triggers": ["expansion"]}, [icp])
    assert fit_summary(fit, icp) == "50 · C — revenue +20, triggers +30, tags ? (unknown)"


def test_fit_summary_not_a_fit_names_disqualifier():
    icp = parse_icp(DESIGN_ICP, id=3)
    fit = score_company(dict(ACME, industry="Government", tech_stack=None), [icp])
    assert fit_summary(fit, icp) == (
        "50 · not a fit (industry: Government) — "
        "industry +0 (miss), size +30, region +20, tech stack ? (unknown)"
    )
    # Without the ICP (e.g. from a stored explanation) the field is still named.
    stored = Fit(fit.score, fit.tier, fit.icp_id, fit.coverage, fit.explanation)
    assert fit_summary(stored).startswith("50 · not a fit (industry) — industry +0 (miss)")


def test_fit_summary_range_disqualifier_and_no_icp():
    icp = make_icp(
        {"field": "industry", "values": ["Retail"], "weight": 100},
        disqualifiers=[{"field": "employees", "max": 10}],
    )
    fit = score_company({"industry": "Retail", "employees": 3}, [icp])
    assert fit_summary(fit, icp) == "100 · not a fit (size ≤ 10) — industry +100"
    assert fit_summary(score_company(ACME, []), None) == "not scored (no active ICP)"


# --------------------------------------------------------------------------- parsing


def test_parse_icp_builds_spec():
    spec = parse_icp(DESIGN_ICP, id=3)
    assert spec.id == 3 and spec.name == DESIGN_ICP["name"] and spec.kind == "b2b"
    assert spec.criteria[0] == Criterion("industry", 40, ("Technology", "Financial Services"))
    assert spec.criteria[1] == Criterion("employees", 30, min=500, max=2000)
    assert spec.disqualifiers == (Disqualifier("industry", ("Government",)),)


def test_parse_icp_revenue_is_decimal():
    spec = make_icp({"field": "annual_revenue", "min": "50000000", "max": 1e8, "weight": 100})
    assert spec.criteria[0].min == Decimal("50000000")
    assert isinstance(spec.criteria[0].min, Decimal)
    assert spec.criteria[0].max == Decimal("100000000")


def test_icp_to_payload_round_trips_and_uses_decimal_strings():
    payload = {
        "name": "Rev",
        "kind": "b2c",
        "criteria": [
            {"field": "annual_revenue", "min": "1000000.50", "weight": 60},
            {"field": "geography", "values": ["EU", "us"], "weight": 40},
        ],
        "disqualifiers": [
            {"field": "annual_revenue", "max": "100"},
            {"field": "employees", "min": 5, "max": 9},
        ],
    }
    spec = parse_icp(payload, id=9)
    out = icp_to_payload(spec)
    assert out == payload
    assert parse_icp(out, id=9) == spec
    assert icp_to_payload(parse_icp(DESIGN_ICP)) == DESIGN_ICP


def _mutated(change):
    payload = copy.deepcopy(DESIGN_ICP)
    change(payload)
    return payload


def _set(path, value):
    def change(payload):
        target = payload
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop(path):
    def change(payload):
        target = payload
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        (_set(["name"], ""), "name", "name"),
        (_set(["name"], "   "), "name", "name"),
        (_drop(["name"]), "name", "name"),
        (_set(["kind"], "b2x"), "kind", "b2b"),
        (_set(["criteria"], []), "criteria", "at least one"),
        (_drop(["criteria"]), "criteria", "at least one"),
        (_set(["criteria", 0, "field"], "size"), "criteria[0].field", "size"),
        (_set(["criteria", 0, "weight"], 101), "criteria[0].weight", "0 to 100"),
        (_set(["criteria", 0, "weight"], -1), "criteria[0].weight", "0 to 100"),
        (_set(["criteria", 0, "weight"], "40"), "criteria[0].weight", "whole number"),
        (_set(["criteria", 0, "weight"], 40.5), "criteria[0].weight", "whole number"),
        (_set(["criteria", 0, "weight"], True), "criteria[0].weight", "whole number"),
        (_drop(["criteria", 0, "weight"]), "criteria[0].weight", "whole number"),
        (_set(["criteria", 0, "weight"], 30), "criteria", "add up to 90"),
        (_set(["criteria", 1, "min"], 3000), "criteria[1].min", "greater than the maximum"),
        (
            _set(["criteria", 1], {"field": "employees", "weight": 30}),
            "criteria[1].min",
            "minimum, a maximum",
        ),
        (_set(["criteria", 1, "min"], -5), "criteria[1].min", "negative"),
        (_set(["criteria", 1, "min"], "abc"), "criteria[1].min", "number"),
        (_set(["criteria", 1, "min"], 10.5), "criteria[1].min", "whole number"),
        (_set(["criteria", 1, "values"], ["big"]), "criteria[1].values", "min and/or max"),
        (
            _set(["criteria", 1], {"field": "annual_revenue", "max": "-1", "weight": 30}),
            "criteria[1].max",
            "negative",
        ),
        (_drop(["criteria", 0, "values"]), "criteria[0].values", "at least one value"),
        (_set(["criteria", 0, "values"], []), "criteria[0].values", "at least one value"),
        (_set(["criteria", 0, "values"], "Technology"), "criteria[0].values", "at least one"),
        (_set(["criteria", 0, "values"], ["Tech", " "]), "criteria[0].values", "non-empty"),
        (_set(["criteria", 3, "min"], 5), "criteria[3].values", "not min/max"),
        (_set(["criteria", 2, "values"], ["Europe", "Atlantis"]), "criteria[2].values", "Atlantis"),
        (_set(["criteria", 3, "field"], "industry"), "criteria[3].field", "already used"),
        (_set(["disqualifiers", 0, "field"], "colour"), "disqualifiers[0].field", "colour"),
        (
            _set(["disqualifiers", 0], {"field": "geography", "values": ["Mordor"]}),
            "disqualifiers[0].values",
            "Mordor",
        ),
        (
            _set(["disqualifiers", 0], {"field": "employees"}),
            "disqualifiers[0].min",
            "minimum, a maximum",
        ),
        (_set(["disqualifiers"], "Government"), "disqualifiers", "list"),
    ],
)
def test_validation_errors(change, field, fragment):
    with pytest.raises(IcpValidationError) as caught:
        parse_icp(_mutated(change))
    assert caught.value.field == field
    assert fragment.lower() in caught.value.message.lower()
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, ValidationError)  # the API's 422


def test_weight_sum_message_states_the_sum():
    payload = _mutated(_set(["criteria", 3, "weight"], 25))
    with pytest.raises(IcpValidationError, match="add up to 115"):
        parse_icp(payload)


def test_kind_and_name_are_normalised():
    spec = parse_icp(dict(DESIGN_ICP, kind="B2C", name="  Shoppers "))
    assert (spec.kind, spec.name) == ("b2c", "Shoppers")


def test_weight_zero_is_allowed():
    spec = make_icp(
        {"field": "industry", "values": ["x"], "weight": 0},
        {"field": "tags", "values": ["y"], "weight": 100},
    )
    fit = score_company({"industry": "x"}, [spec])
    assert (fit.score, fit.coverage) == (0, 0.0)


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
