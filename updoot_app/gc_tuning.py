"""Garbage-collector settings for a serving process (called once a worker has
started: `updoot_app.py` registers it as a lifespan task).

Why: a worker holds every connected session's state, so CPython's default
thresholds (700, 10, 10) ran a full collection about every 6 s under the load
benchmark (200 sessions), each pausing every session for ~100 ms: the pauses,
not the handlers, set the event round trip's p95. Measured with bench/loadgen.py
on one SQLite worker, 90 s: p95 106-123 ms with the defaults, 47 ms with these.

- `gc.freeze()` moves what start-up built (the app, its pages, the libraries)
  to a generation no collection scans again.
- A young generation of 20,000 objects instead of 700: most objects an event
  makes are gone long before a collection, so far fewer survive into the old
  generations, which are therefore collected much less often. Reference
  counting still frees everything acyclic at once; only cycles wait longer.
"""

from __future__ import annotations

import gc

THRESHOLDS = (20_000, 5, 20)


def tune(thresholds: tuple[int, int, int] = THRESHOLDS) -> tuple[int, int, int]:
    """Freeze what exists now and set the collector's thresholds; returns them."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)
    return gc.get_threshold()
