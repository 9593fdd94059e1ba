"""Reads shared inside one computation (a dashboard and its goals).

Inside ``memoized()``, identical aggregate queries (``memoize``) run once, and the
workspace's stages and currency (``stages_of``, ``currency_of``) are read once: the
dashboard's figures, its goals and the calibration ask for the same ones, some on
worker threads. ``Stages`` lives here because the memo keys leave it out: it follows
from the workspace, which is in the key already.
"""

from __future__ import annotations

import contextvars
import copy
import functools
import threading
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass

from sqlmodel import Session, select

from updoot_app.models import Stage, Workspace
from updoot_app.services.kpis.segments import ALL

_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("kpi_memo", default=None)
_MEMO_LOCK = threading.Lock()


@contextmanager
def memoized():
    """Within this block, identical aggregate queries (same function, workspace,
    period, segment) run once: the dashboard and its goals share them. Inside an
    active block, a nested one shares the outer one's results."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def memoize(fn):
    """Share a result inside ``memoized()``; a query already running in another worker
    thread is waited for, not run a second time."""
    @functools.wraps(fn)
    def wrapper(session, workspace_id, period, seg=None, *args, **kwargs):
        seg = seg or ALL
        memo = _MEMO.get()
        if memo is None:
            return fn(session, workspace_id, period, seg, *args, **kwargs)
        key = (fn.__name__, workspace_id, period, seg,
               tuple(a for a in args if not isinstance(a, Stages)),
               tuple(sorted((k, v) for k, v in kwargs.items() if k != "stages")))
        with _MEMO_LOCK:
            entry = memo.get(key)
            owner = entry is None
            if owner:
                entry = memo[key] = Future()
        if owner:
            try:
                entry.set_result(fn(session, workspace_id, period, seg, *args, **kwargs))
            except BaseException as exc:
                entry.set_exception(exc)
                with _MEMO_LOCK:
                    memo.pop(key, None)
                raise
        return copy.deepcopy(entry.result())
    return wrapper


def _shared(key: tuple, read):
    """An immutable value read once inside ``memoized()`` (``read()`` otherwise)."""
    memo = _MEMO.get()
    if memo is None:
        return read()
    with _MEMO_LOCK:
        if key in memo:
            return memo[key]
    value = read()
    with _MEMO_LOCK:
        memo[key] = value
    return value


@dataclass(frozen=True)
class Stages:
    rows: tuple  # (id, name, position, probability, kind) by position
    open_ids: tuple[int, ...]
    won_ids: tuple[int, ...]
    lost_ids: tuple[int, ...]


def stages_of(session: Session, workspace_id: int) -> Stages:
    """The workspace's stages (shared inside ``memoized()``: a Stages is immutable)."""
    return _shared(("stages_of", workspace_id), lambda: _read_stages(session, workspace_id))


def _read_stages(session: Session, workspace_id: int) -> Stages:
    rows = tuple(session.exec(
        select(Stage.id, Stage.name, Stage.position, Stage.probability, Stage.kind)
        .where(Stage.workspace_id == workspace_id).order_by(Stage.position, Stage.id)
    ).all())
    return Stages(rows, tuple(r[0] for r in rows if r[4] == "open"),
                  tuple(r[0] for r in rows if r[4] == "won"),
                  tuple(r[0] for r in rows if r[4] == "lost"))


def currency_of(session: Session, workspace_id: int) -> str:
    """The workspace currency (shared inside ``memoized()``, like ``stages_of``)."""
    return _shared(("currency_of", workspace_id), lambda: session.exec(
        select(Workspace.currency).where(Workspace.id == workspace_id)).one())
