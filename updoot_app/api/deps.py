"""The API's one door: every /api/v1 route depends on `principal`.

The router in `app.py` carries `Depends(principal)` itself, so a route added
to it cannot forget authentication; routes that need a role beyond "viewer"
add `Depends(role("member"))`. tests/api/test_api_foundation.py calls every
route with no token, an empty one, a forged one and a Basic header, and
expects 401.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Iterator

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlmodel import Session

from updoot_app import db
from updoot_app.services.identity import access
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import AuthRequired

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_REQUEST = "updoot_request_"


def get_session(request: Request) -> Iterator[Session]:
    """A session per request. Writing requests (POST/PUT/PATCH/DELETE) take
    SQLite's write lock at BEGIN (see db.session_scope): writers queue on the
    busy timeout instead of failing with "database is locked". `principal` (a
    router dependency, resolved first) has closed its own session by then.

    Routes of a SessionRoute router never run this generator: see SessionRoute."""
    with db.session_scope(write=request.method not in SAFE_METHODS) as session:
        yield session


class SessionRoute(APIRoute):
    """Runs a route's `Depends(get_session)` transaction in the endpoint's own
    thread call, begin to commit.

    FastAPI would enter a generator dependency, run the endpoint and exit the
    dependency as three separate thread-pool calls, with the event loop running
    in between. Reflex runs event handlers on that loop; one that waits for
    SQLite's write lock while a request holds it blocks the loop, so the request
    can never be resumed to commit: both wait for the 30 s busy timeout ("database
    is locked"). In one call, the lock is always released without the loop."""

    def __init__(self, path: str, endpoint: Callable[..., typing.Any], **kwargs: typing.Any):
        super().__init__(path, _transaction_in_call(endpoint), **kwargs)


def _transaction_in_call(endpoint: Callable[..., typing.Any]) -> Callable[..., typing.Any]:
    sig = inspect.signature(endpoint)
    names = [n for n, prm in sig.parameters.items()
             if getattr(prm.default, "dependency", None) is get_session]
    if not names or inspect.iscoroutinefunction(endpoint):
        return endpoint
    name = names[0]
    hints = typing.get_type_hints(endpoint, include_extras=True)  # string annotations
    params = [prm.replace(annotation=hints.get(n, prm.annotation))
              for n, prm in sig.parameters.items() if n != name]
    params.append(inspect.Parameter(_REQUEST, inspect.Parameter.KEYWORD_ONLY,
                                    annotation=Request))

    @functools.wraps(endpoint)
    def in_one_call(*args: typing.Any, **kwargs: typing.Any) -> typing.Any:
        request: Request = kwargs.pop(_REQUEST)
        with db.session_scope(write=request.method not in SAFE_METHODS) as session:
            return endpoint(*args, **kwargs, **{name: session})

    del in_one_call.__wrapped__  # FastAPI must read the signature below, not endpoint's
    in_one_call.__signature__ = sig.replace(  # type: ignore[attr-defined]
        parameters=params, return_annotation=hints.get("return", sig.return_annotation))
    return in_one_call


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise AuthRequired("Missing or invalid API token.")
    return value.strip()


def principal(request: Request) -> Principal:
    # A read on a bare connection; the write lock only when last_used_at is due a
    # stamp (every few minutes per token), not on every request.
    with db.get_engine().connect() as conn:
        found, due = access.lookup_api_token(conn, _bearer(request))
    if due:
        with db.session_scope(write=True) as session:
            access.stamp_api_token(session, found.token_id)
    request.state.principal = found
    return found


def role(min_role: str):
    def check(p: Principal = Depends(principal)) -> Principal:
        return p.require(min_role)

    return check
