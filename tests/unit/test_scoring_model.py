"""ICP parsing, validation and payload round trips (updoot_app.services.profiles.scoring_model)."""

import copy
from decimal import Decimal

import pytest

from tests.unit.scoring_helpers import make_icp
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.profiles.examples import DESIGN_ICP
from updoot_app.services.profiles.scoring import score_company
from updoot_app.services.profiles.scoring_model import (
    Criterion,
    Disqualifier,
    IcpValidationError,
    icp_to_payload,
    parse_icp,
)

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
