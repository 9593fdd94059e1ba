from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from updoot_app import db
from updoot_app.api.app import create_api
from updoot_app.services.identity import tokens
from updoot_app.services.identity.access import resolve_session


@pytest.fixture
def client(database):
    with TestClient(create_api()) as c:
        yield c


@pytest.fixture
def api_token():
    def make(actor, name="test"):
        with db.session_scope() as s:
            return tokens.create_token(s, resolve_session(s, actor.token), name)

    return make


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
