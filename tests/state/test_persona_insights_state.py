"""A call logged on the company page with an objection and the persona played feeds
the persona's page; a suggested objection is added to the persona."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.state.conftest import call, new_state, toast_text
from updoot_app import db
from updoot_app.models import Company, Persona
from updoot_app.services.demo import lifecycle
from updoot_app.state.crm.company_state import CompanyState
from updoot_app.state.profiles.persona_insights_state import PersonaInsightsState


@pytest.fixture
def demo(database):
    with db.session_scope() as s:
        ws, token = lifecycle.create_demo(s, seed=20261206)
        ws_id = ws.id
    with db.session_scope() as s:
        pat = s.exec(select(Persona.id).where(Persona.workspace_id == ws_id,
                                              Persona.name == "Procurement Pat")).one()
        company = s.exec(select(Company.id).where(Company.workspace_id == ws_id)).first()
    return token, pat, company


def log_call(token: str, company: int, persona: object, objections: str):
    page = new_state(CompanyState, token)
    page.router.page.params["company_id"] = str(company)
    call(page, "load")
    result = call(page, "log_interaction", {"kind": "call", "summary": "Pricing call",
                                            "outcome": "", "persona_id": str(persona),
                                            "objections": objections})
    return page, result


def test_objections_logged_on_a_call_show_on_the_personas_page(demo):
    token, pat, company = demo
    persona_page = new_state(PersonaInsightsState, token)
    persona_page.router.page.params["persona_id"] = str(pat)
    call(persona_page, "load")
    assert persona_page.persona["name"] == "Procurement Pat"
    assert all(r["count_90d"] == "0" for r in persona_page.objection_rows)
    assert "closed deals" in persona_page.with_rate and persona_page.suggested == []

    for _ in range(3):
        page, _result = log_call(token, company, pat, "Needs a security review; Price")
        assert page.log_error == ""
    assert page.interaction_rows[0]["objections"] == "Needs a security review; Price"
    call(persona_page, "load")
    top = persona_page.objection_rows[0]
    assert (top["count_90d"], top["source"]) == ("3", "heard, not on the persona")
    assert set(persona_page.suggested) == {"Needs a security review", "Price"}

    result = call(persona_page, "add_objection", "Price")
    assert "Added to Procurement Pat" in toast_text(result)
    assert persona_page.suggested == ["Needs a security review"]
    with db.session_scope() as s:
        assert "Price" in s.get(Persona, pat).objections
    assert "not among the suggestions" in toast_text(call(persona_page, "add_objection", "x"))


def test_objections_without_a_persona_are_refused_with_a_message(demo):
    token, _pat, company = demo
    page, _result = log_call(token, company, "__none__", "Price")
    assert "persona" in page.log_error
