"""Fixtures shared by the unit test modules: `acme`, the company the deal tests
hang their deals on."""

from __future__ import annotations

import pytest

from tests.unit.deal_helpers import principal
from updoot_app import db
from updoot_app.services.crm import companies


@pytest.fixture
def acme(alice):
    with db.session_scope() as s:
        return companies.create_company(s, principal(alice), {"name": "Acme",
                                                              "domain": "acme.io"})
