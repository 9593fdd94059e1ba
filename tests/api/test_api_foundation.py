"""The API contract: bearer tokens, 401/404/422, OpenAPI, /me."""

from __future__ import annotations

import re

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute

from tests.api.conftest import bearer
from updoot_app import db
from updoot_app.api.app import API_PREFIX, PUBLIC_PATHS, create_api
from updoot_app.services.identity import tokens
from updoot_app.services.identity.access import resolve_session


def _walk(routes):
    """(method, path) of every route, looking into included routers."""
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:  # FastAPI's lazily included router
            for ctx in contexts():
                yield from ((m, ctx.path) for m in sorted(ctx.methods or ()))
        elif isinstance(route, APIRoute):
            yield from ((m, route.path) for m in sorted(route.methods))


ROUTES = [(m, p) for m, p in _walk(create_api().routes)
          if p.startswith(API_PREFIX) and p not in PUBLIC_PATHS]


def test_routes_are_found():
    assert ("GET", f"{API_PREFIX}/me") in ROUTES


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer "},
    {"Authorization": "Bearer updt_forged-token-value-that-is-long"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
])
def test_every_route_refuses_without_a_valid_token(client, alice, method, path, headers):
    url = re.sub(r"\{[^}]+\}", "1", path)
    response = client.request(method, url, headers=headers, json={})
    assert response.status_code == 401, response.text
    assert response.json()["detail"]
    assert response.headers["www-authenticate"] == "Bearer"


def test_me(client, alice, api_token):
    response = client.get(f"{API_PREFIX}/me", headers=bearer(api_token(alice)))
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == alice.email
    assert body["workspace"] == {"id": alice.workspace_id, "name": "Alice Co",
                                 "slug": alice.workspace_slug}
    assert body["role"] == "owner"


def test_each_token_sees_its_own_workspace(client, alice, bob, api_token):
    a = client.get(f"{API_PREFIX}/me", headers=bearer(api_token(alice))).json()
    b = client.get(f"{API_PREFIX}/me", headers=bearer(api_token(bob))).json()
    assert a["workspace"]["id"] != b["workspace"]["id"]


def test_revoked_token_gets_401(client, alice, api_token):
    raw = api_token(alice)
    with db.session_scope() as s:
        p = resolve_session(s, alice.token)
        token_id = tokens.list_tokens(s, p)[0]["id"]
        tokens.revoke_token(s, p, token_id)
    assert client.get(f"{API_PREFIX}/me", headers=bearer(raw)).status_code == 401


def test_session_cookie_token_is_not_an_api_token(client, alice):
    assert client.get(f"{API_PREFIX}/me", headers=bearer(alice.token)).status_code == 401


def test_openapi_is_public_and_lists_me(client):
    response = client.get(f"{API_PREFIX}/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert f"{API_PREFIX}/me" in spec["paths"]


def test_unknown_route_is_404(client, alice, api_token):
    response = client.get(f"{API_PREFIX}/nothing-here", headers=bearer(api_token(alice)))
    assert response.status_code == 404


def _calls(dependant):
    for dep in dependant.dependencies:
        yield dep.call
        yield from _calls(dep)


def test_no_route_holds_a_transaction_across_the_event_loop():
    """Every route's session is opened and committed inside the endpoint's own
    thread call (deps.SessionRoute): a generator dependency would hold SQLite's
    write lock while the event loop runs Reflex handlers that wait for it."""
    import pkgutil

    import updoot_app.api as api_pkg
    from updoot_app.api.deps import get_session

    checked = 0
    for info in pkgutil.iter_modules(api_pkg.__path__):
        if not info.name.startswith("routes_"):
            continue
        module = __import__(f"updoot_app.api.{info.name}", fromlist=["*"])
        for router in (v for v in vars(module).values() if isinstance(v, APIRouter)):
            for route in router.routes:
                if isinstance(route, APIRoute):
                    assert get_session not in set(_calls(route.dependant)), route.path
                    checked += 1
    assert checked > 50


def test_a_write_request_commits_inside_one_call(client, alice, api_token):
    """The wrapped endpoint still commits (the write is there afterwards) and
    rolls back on a refused write (nothing half-written)."""
    token = api_token(alice)
    made = client.post(f"{API_PREFIX}/companies", json={"name": "One Call Co"},
                       headers=bearer(token))
    assert made.status_code in (200, 201), made.text
    refused = client.post(f"{API_PREFIX}/companies", json={"name": ""}, headers=bearer(token))
    assert refused.status_code == 422
    listed = client.get(f"{API_PREFIX}/companies", headers=bearer(token)).json()
    names = [c["name"] for c in (listed["items"] if isinstance(listed, dict) else listed)]
    assert names.count("One Call Co") == 1 and "" not in names
