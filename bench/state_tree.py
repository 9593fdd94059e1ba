"""A page state as the server builds it for a signed-in browser, and its load
handler timed, for the benchmarks that measure the server part of opening a page
(bench_pipeline, bench_today) without a browser."""

from __future__ import annotations

import time


def signed_in_state(state_cls, token: str):
    """A fresh state tree whose browser holds the session `token`; its `state_cls`."""
    import reflex as rx

    import updoot_app.updoot_app  # noqa: F401 - registers the states
    from updoot_app.state.app_state import AppState

    root = rx.State(_reflex_internal_init=True)
    root.get_substate(AppState.get_full_name().split(".")[1:]).auth_token = token
    return root.get_substate(state_cls.get_full_name().split(".")[1:])


def timed_load(state) -> float:
    """Seconds the state's load handler takes; a refusal raises."""
    fn = type(state).event_handlers["load"].fn
    start = time.perf_counter()
    result = fn(state)
    elapsed = time.perf_counter() - start
    if result is not None:
        raise RuntimeError(f"load refused: {result}")
    return elapsed
