"""The one door into every state event handler.

    @rx.event
    @guard("member")
    def save(self, p: Principal, form: dict): ...

`guard` resolves the browser's session cookie to a Principal (user, workspace,
role) before the handler body runs, refuses callers without a valid session
(redirect to /login) or with too low a role (error toast), and passes the
Principal in as the first argument. The client never sees or sends that
argument: the wrapper's public signature leaves it out.

Handlers that must work without a session (log in, sign up, the demo) are
marked `@public` instead. tests/state/test_guard_coverage.py enumerates every
handler of every Updoot state and fails if one carries neither mark, and calls
each guarded one without a session to prove it refuses.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
from collections.abc import Callable

import reflex as rx

from updoot_app import db
from updoot_app.services.identity import access
from updoot_app.services.platform.errors import AuthRequired, DomainError, Forbidden

ACCESS_ATTR = "__updoot_access__"
PUBLIC = "public"
log = logging.getLogger(__name__)


def _refusal(exc: Exception):
    # A page with several guarded on_load handlers refuses once per handler:
    # the toast id makes the browser show the message once.
    if isinstance(exc, AuthRequired):
        return [rx.toast.error(str(exc), id="auth-required"), rx.redirect("/login")]
    return rx.toast.error(str(exc), id="forbidden")


def _resolve(state, min_role: str, conn=None) -> access.Principal:
    # A bare connection: one read, no ORM session (every event comes through here).
    if conn is not None:
        return access.resolve_session(conn, state.auth_token).require(min_role)
    with db.get_engine().connect() as own:
        return access.resolve_session(own, state.auth_token).require(min_role)


def _public_signature(fn: Callable) -> tuple[inspect.Signature, dict]:
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    if len(params) < 2:
        raise TypeError(f"{fn.__qualname__}: a guarded handler takes (self, principal, ...)")
    principal_name = params[1].name
    public_sig = sig.replace(parameters=[params[0], *params[2:]])
    annotations = {k: v for k, v in fn.__annotations__.items() if k != principal_name}
    return public_sig, annotations


def guard(min_role: str = "viewer", *, writes: bool | None = None, page: bool = False):
    """Require a valid session with at least `min_role` in its workspace.

    Handlers that change data (every role above viewer, or `writes=True`) run
    with `db.writing()`, so their SQLite transactions queue for the write lock.

    `page=True` marks a page's on_load handler: it first refreshes the app shell
    (who is signed in, the workspace switcher; `AppState._load_shell`), so opening
    a page is one event, not one for the shell and one for the page.
    """
    if min_role not in access.ROLE_RANK:
        raise ValueError(min_role)
    write_intent = (min_role != "viewer") if writes is None else writes

    def decorate(fn: Callable) -> Callable:
        if inspect.isasyncgenfunction(fn) or inspect.isgeneratorfunction(fn):
            raise TypeError(f"{fn.__qualname__}: guarded handlers return events, not yield")
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def wrapper(self, *args, **kwargs):
                try:
                    principal = _resolve(self, min_role)
                except (AuthRequired, Forbidden) as exc:
                    return _refusal(exc)
                try:
                    if page:
                        self._load_shell(principal)
                    with _intent(write_intent):
                        return await fn(self, principal, *args, **kwargs)
                except DomainError as exc:
                    return rx.toast.error(str(exc))
        else:

            @functools.wraps(fn)
            def wrapper(self, *args, **kwargs):
                # A sync handler runs to the end on this thread: its transaction
                # (db.connection_scope) reuses the connection of the session check.
                with db.event_connection() as conn:
                    try:
                        principal = _resolve(self, min_role, conn)
                    except (AuthRequired, Forbidden) as exc:
                        return _refusal(exc)
                    try:
                        if page:
                            self._load_shell(principal)
                        with _intent(write_intent):
                            return fn(self, principal, *args, **kwargs)
                    except DomainError as exc:
                        return rx.toast.error(str(exc))

        wrapper.__signature__, wrapper.__annotations__ = _public_signature(fn)
        setattr(wrapper, ACCESS_ATTR, min_role)
        return wrapper

    return decorate


def _intent(write: bool):
    return db.writing() if write else contextlib.nullcontext()


def public(fn: Callable) -> Callable:
    """Mark a handler that deliberately works without a session. Public handlers
    (log in, sign up, demo, invites, the public quote) mostly write, so they run
    with `db.writing()`."""
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def wrapper(self, *args, **kwargs):
            with db.writing():
                return await fn(self, *args, **kwargs)
    else:

        @functools.wraps(fn)
        def wrapper(self, *args, **kwargs):
            with db.writing():
                return fn(self, *args, **kwargs)

    setattr(wrapper, ACCESS_ATTR, PUBLIC)
    return wrapper


def access_of(fn: Callable) -> str | None:
    """The access mark of a handler function, looking through wrappers."""
    while fn is not None:
        mark = getattr(fn, ACCESS_ATTR, None)
        if mark is not None:
            return mark
        fn = getattr(fn, "__wrapped__", None)
    return None
