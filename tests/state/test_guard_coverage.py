"""Every event handler of every Updoot state goes through the guard.

New modules are covered automatically: their states are found by walking the
state tree, so a handler without `@guard(...)` or `@public` fails here.
"""

from __future__ import annotations

import inspect
import json

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from tests.conftest import make_actor
from tests.state.conftest import all_app_states, call, new_state, redirect_target, toast_text
from updoot_app import db
from updoot_app.services.identity.access import ROLE_RANK
from updoot_app.state.guard import PUBLIC, access_of

# Handlers that deliberately work without a session. Keep this list short.
PUBLIC_HANDLERS = {
    "AppState.logout",
    "AuthState.clear",
    "AuthState.signup",
    "AuthState.login",
    "AuthState.try_demo",
    "AuthState.load_invite",
    "AuthState.accept_invite",
    # The client's quote page: every handler takes the link's token, never an id.
    "PublicQuoteState.load",
    "PublicQuoteState.accept",
    "PublicQuoteState.decline",
    "PublicQuoteState.download_pdf",
}
# Reflex's own generic handler: it dispatches to `set_<name>` handlers, which
# are themselves guarded and covered below.
FRAMEWORK_HANDLERS = {"setvar"}


def _handlers():
    for cls in all_app_states():
        for name, handler in cls.event_handlers.items():
            if name in FRAMEWORK_HANDLERS:
                continue
            # Inherited handlers are checked once, on the class defining them.
            owner = handler.fn.__qualname__.split(".")[0]
            if owner != cls.__name__:
                continue
            yield cls, name, handler.fn


HANDLERS = list(_handlers())
IDS = [f"{cls.__name__}.{name}" for cls, name, _ in HANDLERS]


def test_states_and_handlers_are_found():
    names = {cls.__name__ for cls, _, _ in HANDLERS}
    assert {"AppState", "AuthState", "SettingsState", "DashboardState"} <= names
    assert len(HANDLERS) >= 20


@pytest.mark.parametrize(("cls", "name", "fn"), HANDLERS, ids=IDS)
def test_every_handler_is_marked(cls, name, fn):
    mark = access_of(fn)
    qualified = f"{cls.__name__}.{name}"
    assert mark is not None, f"{qualified} has neither @guard(...) nor @public"
    if mark == PUBLIC:
        assert qualified in PUBLIC_HANDLERS, f"{qualified} is public but not in the allow-list"
    else:
        assert mark in ROLE_RANK
        assert qualified not in PUBLIC_HANDLERS


def _row_counts() -> dict[str, int]:
    with db.get_engine().connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.sorted_tables
            if t.name != "login_attempts"
        }


def _dummy_args(fn) -> list:
    params = list(inspect.signature(fn).parameters.values())[1:]
    return [{"email": "x@example.com", "name": "X", "role": "owner"} if "form" in p.name
            else "1" for p in params]


GUARDED = [(c, n, f) for c, n, f in HANDLERS if access_of(f) not in (None, PUBLIC)]
GUARDED_IDS = [f"{c.__name__}.{n}" for c, n, _ in GUARDED]


@pytest.mark.parametrize(("cls", "name", "fn"), GUARDED, ids=GUARDED_IDS)
@pytest.mark.parametrize("token", ["", "forged-token-that-is-long-enough-to-check"])
def test_guarded_handler_refuses_without_session(database, cls, name, fn, token):
    make_actor("owner@example.com")  # a real workspace exists to be harmed
    before = _row_counts()
    state = new_state(cls, token)
    snapshot = json.dumps(state.dict(), default=str, sort_keys=True)
    result = call(state, name, *_dummy_args(fn))
    assert redirect_target(result) == "/login"
    assert _row_counts() == before
    after = new_state(cls, token)  # the untouched state for comparison
    assert json.dumps(state.dict(), default=str, sort_keys=True) in (
        snapshot, json.dumps(after.dict(), default=str, sort_keys=True))


ABOVE_VIEWER = [(c, n, f) for c, n, f in GUARDED if ROLE_RANK[access_of(f)] > 0]


@pytest.mark.parametrize(("cls", "name", "fn"), ABOVE_VIEWER,
                         ids=[f"{c.__name__}.{n}" for c, n, _ in ABOVE_VIEWER])
def test_writing_handler_refuses_a_viewer(database, cls, name, fn):
    from updoot_app.services.identity import workspaces

    owner = make_actor("owner@example.com")
    viewer = make_actor("viewer@example.com", "Viewer's own")
    with db.session_scope() as session:
        from updoot_app.services.identity.access import resolve_session

        p_owner = resolve_session(session, owner.token)
        raw = workspaces.invite(session, p_owner, viewer.email, "viewer")
    with db.session_scope() as session:
        _, token = workspaces.accept_invite(session, raw, viewer.password)
    before = _row_counts()
    result = call(new_state(cls, token), name, *_dummy_args(fn))
    assert redirect_target(result) is None
    assert "Only" in toast_text(result) or "read-only" in toast_text(result)
    assert _row_counts() == before
