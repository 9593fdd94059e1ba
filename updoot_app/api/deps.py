"""The API's one door: every /api/v1 route depends on `principal`.

The router in `app.py` carries `Depends(principal)` itself, so a route added
to it cannot forget authentication; routes that need a role beyond "viewer"
add `Depends(role("member"))`. tests/api/test_api_guard.py calls every route
without a token and expects 401.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, Request
from sqlmodel import Session

from updoot_app import db
from updoot_app.services import access
from updoot_app.services.access import Principal
from updoot_app.services.errors import AuthRequired


def get_session(request: Request) -> Iterator[Session]:
    """A session per request. Writing requests (POST/PUT/PATCH/DELETE) take
    SQLite's write lock at BEGIN (see db.session_scope): writers queue on the
    busy timeout instead of failing with "database is locked". `principal` (a
    router dependency, resolved first) has closed its own session by then."""
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    with db.session_scope(write=write) as session:
        yield session


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise AuthRequired("Missing or invalid API token.")
    return value.strip()


def principal(request: Request) -> Principal:
    # Resolving a token may stamp its last_used_at: a write (see get_session).
    with db.session_scope(write=True) as session:
        found = access.resolve_api_token(session, _bearer(request))
    request.state.principal = found
    return found


def role(min_role: str):
    def check(p: Principal = Depends(principal)) -> Principal:
        return p.require(min_role)

    return check
