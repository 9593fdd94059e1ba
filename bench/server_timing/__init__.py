"""Turns on sitecustomize.py (beside this file) in the servers a benchmark starts,
and reads what they timed."""

from __future__ import annotations

import contextlib
import os
import statistics
from pathlib import Path

from bench.rows import row

HERE = Path(__file__).resolve().parent


@contextlib.contextmanager
def server_timing(out_dir: Path, events: tuple[str, ...]):
    """Python processes started inside time `events` (handler names) when they serve."""
    out_dir.mkdir(parents=True, exist_ok=True)
    keys = ("PYTHONPATH", "UPDOOT_BENCH_EVENT_TIMES", "UPDOOT_BENCH_EVENT_NAMES")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update(
        PYTHONPATH=os.pathsep.join(p for p in (str(HERE), saved["PYTHONPATH"]) if p),
        UPDOOT_BENCH_EVENT_TIMES=str(out_dir), UPDOOT_BENCH_EVENT_NAMES=",".join(events))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def server_times(out_dir: Path) -> dict[str, list[float]]:
    """ms per timed event name, from every server's file."""
    times: dict[str, list[float]] = {}
    for path in out_dir.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            name, ms = line.split()
            times.setdefault(name, []).append(float(ms))
    return times


def server_rows(ours: list[list], theirs: list[list], times: dict[str, list[float]],
                events: tuple[str, str]) -> list:
    """bench_browser's round trips (`ours`: the moves, `theirs`: the minimal app's
    clicks; [ms, ...] each) split into the server's part, timed inside each server
    (`times` of `events`: our move's handler, then the minimal app's), and the rest
    (the network and the browser)."""
    moves, clicks = (times.get(name, []) for name in events)
    if not moves or not clicks:
        return [row("floor, browser, the server's part: not measured (no timed event)", "n/a")]
    serve_ours, serve_theirs = statistics.median(moves), statistics.median(clicks)
    rest_ours = statistics.median(v[0] for v in ours) - serve_ours
    rest_theirs = statistics.median(v[0] for v in theirs) - serve_theirs
    return [
        row(f"floor, browser, the server's part (medians, ms, from the event's message read "
            f"to its answer written, inside each server; {len(moves)} moves, {len(clicks)} "
            "clicks): ours, the stage move / the minimal app's click",
            f"{serve_ours:.2f} / {serve_theirs:.2f}"),
        row("floor, browser, the rest (the round trip's median minus the server's part: the "
            "click, the network, the answer applied and drawn; ms): ours / the minimal app's",
            f"{rest_ours:.2f} / {rest_theirs:.2f}"),
    ]
