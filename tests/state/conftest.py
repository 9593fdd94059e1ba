"""Helpers to run Reflex state handlers directly, as the framework would."""

from __future__ import annotations

import asyncio
import inspect

import pytest
import reflex as rx

import updoot_app.updoot_app  # noqa: F401 - registers every page and state
from updoot_app.state.app_state import AppState


def all_app_states() -> list[type[rx.State]]:
    """Every Updoot state class (the framework's own internal states excluded)."""
    found, stack = [], [rx.State]
    while stack:
        cls = stack.pop()
        for sub in cls.get_substates():
            stack.append(sub)
            if sub.__module__.startswith("updoot_app."):
                found.append(sub)
    # A stable order: pytest-xdist workers must collect the same parametrized ids.
    return sorted(found, key=lambda c: c.get_full_name())


def new_state(cls: type[rx.State], token: str = ""):
    """A fresh state tree with `token` as the browser's session cookie; returns `cls`'s
    instance within it."""
    root = rx.State()
    app_state = root.get_substate(AppState.get_full_name().split(".")[1:])
    app_state.auth_token = token
    if cls is AppState:
        return app_state
    return root.get_substate(cls.get_full_name().split(".")[1:])


def call(state, handler_name: str, *args):
    """Call a handler the way Reflex does (bound to the state instance)."""
    fn = type(state).event_handlers[handler_name].fn
    result = fn(state, *args)
    if inspect.iscoroutine(result):
        result = asyncio.run(result)
    return result


def events_of(result) -> list:
    if result is None:
        return []
    return list(result) if isinstance(result, list | tuple) else [result]


def redirect_target(result) -> str | None:
    for spec in events_of(result):
        handler = getattr(spec, "handler", None)
        if handler is not None and "_redirect" in getattr(handler.fn, "__qualname__", ""):
            for name, value in spec.args:
                if name._js_expr == "path":
                    return value._var_value
    return None


def toast_text(result) -> str:
    return " ".join(str(spec) for spec in events_of(result) if "toast" in str(spec))


@pytest.fixture
def state_of():
    return new_state


def as_plotly(figure):
    """A state's figure dict as a plotly Figure: plotly validates every property
    (an unknown or misspelt one raises ValueError), as rx.plotly's JSON would."""
    import plotly.graph_objects as go

    def plain(value):
        value = getattr(value, "__wrapped__", value)  # Reflex's MutableProxy
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    return go.Figure(plain(figure))
