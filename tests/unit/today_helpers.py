"""Shared set-up of the Today tests: an ICP that makes "Acme" an A fit and
"Tiny" a D, companies, deals, follow-ups and signals."""

from __future__ import annotations

from updoot_app import db
from updoot_app.services.crm import companies, deals, follow_ups, signals
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.profiles import icps

ICP = {"name": "Mid-market", "kind": "b2b", "criteria": [
    {"field": "industry", "values": ["Technology"], "weight": 50},
    {"field": "employees", "min": 500, "max": 2000, "weight": 40},
    {"field": "triggers", "values": ["recent funding", "new CISO"], "weight": 10}]}
A_FIT = {"industry": "Technology", "employees": 800}        # 90 · A
B_FIT = {"industry": "Technology", "employees": 100, "triggers": ["new CISO"]}  # 60 · B
D_FIT = {"industry": "Retail", "employees": 10}             # 0 · D


def principal(actor):
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


def with_icp(actor):
    with db.session_scope() as s:
        icps.create_icp(s, principal(actor), ICP)


def company(actor, name, **fields):
    with db.session_scope() as s:
        return companies.create_company(s, principal(actor), {"name": name, **fields}).id


def deal(actor, company_id, **fields):
    with db.session_scope() as s:
        return deals.create_deal(s, principal(actor), {"company_id": company_id,
                                                       "title": "Rollout", **fields}).id


def task(actor, now=None, **fields):
    with db.session_scope() as s:
        return follow_ups.create_follow_up(s, principal(actor), {"title": "Call", **fields},
                                           now=now).id


def signal(actor, company_id, now=None, **fields):
    with db.session_scope() as s:
        return signals.record_signal(s, principal(actor), company_id, fields, now=now).id
