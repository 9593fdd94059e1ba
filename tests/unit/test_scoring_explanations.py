"""Fit explanations and one-line fit summaries (updoot_app.services.profiles.explanations)."""

from decimal import Decimal

import pandas as pd

from tests.unit.scoring_helpers import ACME, make_icp
from updoot_app.services.profiles.examples import DESIGN_ICP
from updoot_app.services.profiles.explanations import explain, fit_summary
from updoot_app.services.profiles.scoring import score_company, score_frame
from updoot_app.services.profiles.scoring_model import Fit, parse_icp

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
