"""Shared ICP builders and a company of the fit scoring tests (tests/unit/test_scoring*.py)."""

from updoot_app.services.profiles.scoring_model import parse_icp

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
