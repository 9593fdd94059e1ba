"""Property tests of the fit scoring engine (hypothesis)."""

import math
from decimal import Decimal

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from updoot_app.services.platform.geo import expand_geography
from updoot_app.services.profiles.explanations import explain
from updoot_app.services.profiles.scoring import score_company, score_frame
from updoot_app.services.profiles.scoring_model import FIELDS, LIST_FIELDS, RANGE_FIELDS, parse_icp

INDUSTRIES = ["Technology", "Retail", "Government", "Healthcare"]
COUNTRIES = ["US", "CA", "DE", "FR", "GB", "JP", "IN", "BR", "ZA", "AE", "AU"]
GEOGRAPHY = ["North America", "Europe", "EU", "DACH", "APAC", "Middle East", "US", "JP", "br"]
WORDS = {
    "tech_stack": ["AWS", "GCP", "Azure", "SAP"],
    "triggers": ["recent funding", "expansion", "new CISO"],
    "tags": ["vip", "churned", "inbound"],
}
COLUMN = {"geography": "country"}
NAN = float("nan")

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- companies


def _cased(words):
    """Words as stored by people: any case, stray spaces."""
    return st.sampled_from(words).flatmap(
        lambda w: st.sampled_from([w, w.lower(), w.upper(), f" {w} "])
    )


_missing = st.sampled_from([None, NAN, ""])
_text = _cased(INDUSTRIES) | _missing
_employees = st.none() | st.just(NAN) | st.integers(0, 100_000) | st.sampled_from([500, 2000])
_revenue = (
    st.none()
    | st.just(NAN)
    | st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
    | st.floats(min_value=0, max_value=1e9)
)
_country = st.sampled_from(COUNTRIES + ["de", "jp"]) | st.sampled_from([None, "", "XX"])


def _word_list(field):
    return st.none() | st.lists(_cased(WORDS[field]) | st.just(""), max_size=4)


companies = st.fixed_dictionaries(
    {},
    optional={
        "industry": _text,
        "employees": _employees,
        "annual_revenue": _revenue,
        "country": _country,
        "tech_stack": _word_list("tech_stack"),
        "triggers": _word_list("triggers"),
        "tags": _word_list("tags"),
    },
)


# --------------------------------------------------------------------------- ICPs


@st.composite
def _weights(draw, k):
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=k - 1, max_size=k - 1)))
    edges = [0, *cuts, 100]
    return [b - a for a, b in zip(edges, edges[1:], strict=False)]


@st.composite
def _condition(draw, field):
    if field in RANGE_FIELDS:
        top = 100_000 if field == "employees" else 10**9
        low = draw(st.none() | st.integers(0, top))
        high = (
            draw(st.none() | st.integers(0, top)) if low is not None else draw(st.integers(0, top))
        )
        if low is not None and high is not None and low > high:
            low, high = high, low
        bounds = {"min": low, "max": high}
        if field == "annual_revenue":
            bounds = {k: None if v is None else str(v) for k, v in bounds.items()}
        return {"field": field, **{k: v for k, v in bounds.items() if v is not None}}
    pool = {"industry": INDUSTRIES, "geography": GEOGRAPHY}.get(field) or WORDS[field]
    values = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
    return {"field": field, "values": values}


@st.composite
def icps(draw, icp_id=1, with_disqualifiers=True):
    fields = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=7, unique=True))
    weights = draw(_weights(len(fields)))
    criteria = [{**draw(_condition(f)), "weight": w} for f, w in zip(fields, weights, strict=True)]
    disqualifiers = []
    if with_disqualifiers:
        disqualifiers = draw(st.lists(st.sampled_from(FIELDS).flatmap(_condition), max_size=2))
    payload = {"name": "P", "kind": "b2b", "criteria": criteria, "disqualifiers": disqualifiers}
    return parse_icp(payload, id=icp_id)


@st.composite
def icp_lists(draw, with_disqualifiers=True, min_size=0):
    n = draw(st.integers(min_size, 3))
    ids = draw(st.lists(st.integers(1, 50), min_size=n, max_size=n, unique=True))
    return [draw(icps(icp_id=i, with_disqualifiers=with_disqualifiers)) for i in ids]


def _matching_value(criterion):
    """A company value that matches ``criterion``."""
    if criterion.field in RANGE_FIELDS:
        bound = criterion.min if criterion.min is not None else criterion.max
        return int(bound) if criterion.field == "employees" else Decimal(bound)
    if criterion.field == "geography":
        return sorted(expand_geography(criterion.values))[0]
    if criterion.field in LIST_FIELDS:
        return ["unrelated", criterion.values[0].upper()]
    return f"  {criterion.values[0].lower()} "


# --------------------------------------------------------------------------- properties


@SETTINGS
@given(st.lists(companies, min_size=1, max_size=15), icp_lists())
def test_score_and_coverage_stay_in_range(rows, icp_list):
    frame = score_frame(pd.DataFrame(rows), icp_list)
    if not icp_list:
        assert frame["score"].isna().all() and frame["tier"].isna().all()
        return
    assert frame["score"].between(0, 100).all()
    assert frame["coverage"].between(0.0, 1.0).all()
    # Points come only from known criteria.
    assert (frame["score"] <= frame["coverage"] * 100 + 1e-9).all()
    assert set(frame["tier"]) <= {"A", "B", "C", "D", "not_a_fit"}


@SETTINGS
@given(companies, icps(), st.data())
def test_unknown_turned_into_match_adds_its_weight(company, icp, data):
    before = score_company(company, [icp])
    unknown = [i for i, item in enumerate(before.explanation) if item["result"] == "unknown"]
    if not unknown:
        return
    index = data.draw(st.sampled_from(unknown))
    criterion = icp.criteria[index]
    changed = dict(
        company, **{COLUMN.get(criterion.field, criterion.field): _matching_value(criterion)}
    )
    after = score_company(changed, [icp])
    assert after.explanation[index]["result"] == "match"
    assert after.score == before.score + criterion.weight
    assert after.score >= before.score
    assert after.coverage >= before.coverage


@SETTINGS
@given(companies, icp_lists(with_disqualifiers=False, min_size=1), st.data())
def test_best_score_never_drops_when_an_attribute_becomes_matching(company, icp_list, data):
    before = score_company(company, icp_list)
    icp = data.draw(st.sampled_from(icp_list))
    criterion = data.draw(st.sampled_from(icp.criteria))
    column = COLUMN.get(criterion.field, criterion.field)
    if not _is_missing(company.get(column)):
        return
    changed = dict(company, **{column: _matching_value(criterion)})
    assert score_company(changed, icp_list).score >= before.score


def _is_missing(value):
    if value is None or value == "" or value == []:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, list) and all(not str(v).strip() for v in value)


@SETTINGS
@given(st.lists(companies, min_size=1, max_size=12), icp_lists())
def test_bulk_equals_single_for_every_company(rows, icp_list):
    frame = score_frame(pd.DataFrame(rows), icp_list)
    by_id = {icp.id: icp for icp in icp_list}
    for position, company in enumerate(rows):
        fit = score_company(company, icp_list)
        row = frame.iloc[position]
        if not icp_list:
            assert fit.to_dict()["score"] is None and row["score"] is None
            continue
        assert (int(row["score"]), row["tier"], int(row["icp_id"])) == (
            fit.score,
            fit.tier,
            fit.icp_id,
        )
        assert math.isclose(row["coverage"], fit.coverage)
        assert explain(row["results"], by_id[fit.icp_id]) == fit.explanation
