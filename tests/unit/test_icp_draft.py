"""The wizard's draft: payload round trip, weights, rebalance, lenient preview."""

from __future__ import annotations

import pandas as pd
import pytest

from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.profiles import icps, scoring_model, wizard_draft


def template_draft():
    return wizard_draft.draft_from_payload(icps.templates()[0]["icp"])


def test_template_round_trips_through_the_draft():
    payload = icps.templates()[0]["icp"]
    again = wizard_draft.payload_from_draft(wizard_draft.draft_from_payload(payload))
    assert scoring_model.parse_icp(again) == scoring_model.parse_icp(payload)


def test_weight_sum_counts_only_filled_criteria():
    draft = wizard_draft.empty_draft()
    draft.update(w_industry=40, w_tech=60)  # tech has no values: not counted
    draft["industries"] = ["Retail"]
    assert wizard_draft.weight_sum(draft) == 40


@pytest.mark.parametrize(("weights", "expected"), [
    ({"w_industry": 10, "w_employees": 10, "w_geography": 10}, [34, 33, 33]),
    ({"w_industry": 0, "w_employees": 0, "w_geography": 0}, [34, 33, 33]),
    ({"w_industry": 50, "w_employees": 30, "w_geography": 20}, [50, 30, 20]),
    ({"w_industry": 70, "w_employees": 70, "w_geography": 0}, [50, 50, 0]),
])
def test_rebalance_keeps_proportions_and_sums_to_100(weights, expected):
    draft = wizard_draft.empty_draft()
    draft.update(industries=["Tech"], emp_min="10", geography=["Europe"], **weights)
    out = wizard_draft.rebalance(draft)
    assert [out["w_industry"], out["w_employees"], out["w_geography"]] == expected
    assert wizard_draft.weight_sum(out) == 100


def test_disqualifier_for_small_companies():
    draft = template_draft()
    draft["dq_emp_below"] = "50"
    payload = wizard_draft.payload_from_draft(draft)
    assert {"field": "employees", "min": 0, "max": 49} in payload["disqualifiers"]
    assert wizard_draft.draft_from_payload(payload)["dq_emp_below"] == "50"


@pytest.mark.parametrize("bad", ["abc", "-5", "1e400", "NaN"])
def test_bad_numbers_name_the_field(bad):
    draft = template_draft()
    draft["emp_min"] = bad
    with pytest.raises(ValidationError) as err:
        wizard_draft.payload_from_draft(draft)
    assert err.value.field == "emp_min"


def test_clean_draft_drops_unknown_and_hostile_values():
    draft = wizard_draft.clean_draft({"industries": ["Tech", {"x": 1}, ""], "w_industry": "900",
                                   "kind": "evil", "__proto__": "x", "name": 42})
    assert draft["industries"] == ["Tech"] and draft["w_industry"] == 100
    assert draft["kind"] == "b2b" and draft["name"] == "42" and "__proto__" not in draft


def test_preview_counts_and_examples_by_hand():
    frame = pd.DataFrame([
        {"id": 1, "industry": "Technology", "employees": 800, "annual_revenue": None,
         "country": "US", "tech_stack": [], "triggers": ["data breach"], "tags": []},
        {"id": 2, "industry": "Retail", "employees": 5, "annual_revenue": None,
         "country": "BR", "tech_stack": [], "triggers": [], "tags": []},
        {"id": 3, "industry": "Government", "employees": 900, "annual_revenue": None,
         "country": "DE", "tech_stack": [], "triggers": [], "tags": []},
    ])
    result = wizard_draft.preview(frame, template_draft(), {1: "Acme", 2: "Shop", 3: "Agency"})
    # Acme matches all four criteria; Shop none; Agency is disqualified (Government).
    assert result["counts"] == {"A": 1, "B": 0, "C": 0, "D": 1, "not_a_fit": 1}
    assert result["examples"]["A"] == [{"name": "Acme", "score": 100}]
    assert result["examples"]["not_a_fit"] == [{"name": "Agency", "score": 45}]


def test_preview_works_while_weights_do_not_add_up():
    draft = template_draft()
    draft["w_industry"] = 5
    frame = pd.DataFrame([{"id": 1, "industry": "Technology", "employees": None,
                           "annual_revenue": None, "country": None, "tech_stack": [],
                           "triggers": [], "tags": []}])
    assert wizard_draft.preview(frame, draft, {})["counts"]["D"] == 1


def test_describe_reads_like_a_sentence():
    rows = wizard_draft.describe(icps.templates()[0]["icp"])
    assert {"label": "Employees", "condition": "500 – 2,000", "weight": "25"} in rows["criteria"]
    assert rows["disqualifiers"] == ["Industries: Government"]
