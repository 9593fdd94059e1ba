"""Shared set-up of the ICP service tests: the example ICP, a principal, creating ICPs."""

from __future__ import annotations

import copy

from updoot_app import db
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.profiles import icps
from updoot_app.services.profiles.examples import DESIGN_ICP

EXAMPLE = DESIGN_ICP


def P(actor):
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


def body(**changes):
    return copy.deepcopy(EXAMPLE) | changes


def create(actor, payload=None):
    with db.session_scope() as s:
        return icps.create_icp(s, P(actor), payload or body()).id
