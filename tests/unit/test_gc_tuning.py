"""The serving process's collector settings (updoot_app/gc_tuning.py)."""

from __future__ import annotations

import gc

from updoot_app import gc_tuning


def test_tune_freezes_what_exists_and_sets_the_thresholds():
    before = gc.get_threshold()
    try:
        assert gc_tuning.tune() == gc_tuning.THRESHOLDS
        assert gc.get_threshold() == gc_tuning.THRESHOLDS
        assert gc.get_freeze_count() > 0
        # Objects made afterwards are collected as usual: a cycle is still freed.
        cycle = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_the_app_tunes_each_worker_once_it_has_started():
    from updoot_app.updoot_app import _tune_gc, app

    assert any(getattr(t, "__name__", "") == _tune_gc.__name__ for t in app._lifespan_tasks)
