"""Shared set-up of the ICP service tests: the example ICP, a principal, creating ICPs."""

from __future__ import annotations

import copy

from updoot_app import db
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.profiles import icps

EXAMPLE = {
    "name": "Mid-market security buyers", "kind": "b2b",
    "criteria": [
        {"field": "industry", "values": ["Technology", "Financial Services"], "weight": 40},
        {"field": "employees", "min": 500, "max": 2000, "weight": 30},
        {"field": "geography", "values": ["North America", "Europe"], "weight": 20},
        {"field": "tech_stack", "values": ["AWS"], "weight": 10}],
    "disqualifiers": [{"field": "industry", "values": ["Government"]}],
}


def P(actor):
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


def body(**changes):
    return copy.deepcopy(EXAMPLE) | changes


def create(actor, payload=None):
    with db.session_scope() as s:
        return icps.create_icp(s, P(actor), payload or body()).id
