"""Run every benchmark in bench/ and write bench/RESULTS.md.

Each benchmark module exposes `run() -> list[dict]` with rows
{"figure", "value", "target", "pass"}.

`python -m bench.run_all bench_mail bench_browser` reruns only those: their rows
in RESULTS.md are replaced, the others kept, and the header says what was rerun
when (a full run takes most of an hour).
"""

from __future__ import annotations

import importlib
import platform
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

# The load test first: it is the most sensitive to other work on the machine, and
# the KPI benchmark leaves PostgreSQL busy (a million rows written, then dropped).
# The browser figures against the minimal app (cold load, click round trip) next.
BENCHMARKS = ["bench.bench_load", "bench.bench_browser", "bench.bench_scoring",
              "bench.bench_companies", "bench.bench_pipeline", "bench.bench_kpis", "bench.bench_mail",
              "bench.bench_icp_suggest"]
RESULTS = Path(__file__).with_name("RESULTS.md")


def _run(name: str) -> list[dict]:
    """A benchmark's rows, or one failing row saying why it broke off (the other
    benchmarks still run and the table is still written)."""
    try:
        rows = importlib.import_module(name).run()
    except Exception as exc:  # noqa: BLE001 - reported in the table and on stderr
        traceback.print_exc()
        message = f"{type(exc).__name__}: {exc}".replace("|", "/").replace("\n", " ")[:300]
        rows = [{"figure": "benchmark broke off", "value": message, "target": "runs",
                 "pass": False}]
    for row in rows:
        print(f"[{name}] {row}", flush=True)
    return rows


TABLE_HEAD = ["| benchmark | figure | value | target | pass |", "|---|---|---|---|---|"]
VERDICTS = {True: "pass", False: "FAIL", None: "—"}


def _line(r: dict) -> str:
    return (f"| {r['benchmark']} | {r['figure']} | {r['value']} | {r.get('target') or ''} | "
            f"{VERDICTS[r.get('pass')]} |")


def _kept(rerun: set[str]) -> tuple[list[str], dict[str, list[str]]]:
    """From the RESULTS.md there is: its notes (the lines above the table) and the
    table's lines of each benchmark not in `rerun`."""
    notes, kept = [], {}
    if not RESULTS.exists():
        return notes, kept
    for line in RESULTS.read_text().splitlines()[1:]:
        if line in TABLE_HEAD:
            continue
        if line.startswith("| "):
            name = line.split("|")[1].strip()
            if name not in rerun:
                kept.setdefault(name, []).append(line)
        elif kept == {}:
            notes.append(line)
    return notes, kept


def main(only: list[str]) -> int:
    names = [n for n in BENCHMARKS if not only or n.split(".")[-1] in only]
    unknown = set(only) - {n.split(".")[-1] for n in BENCHMARKS}
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    rows = []
    for name in names:
        rows += [{"benchmark": name.split(".")[-1], **row} for row in _run(name)]
    when = (f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
            f"Python {platform.python_version()}")
    if only:
        notes, kept = _kept(set(only))
        notes = [n for n in notes if n.strip()] + [f"Rerun alone at {when}: {', '.join(only)}."]
    else:
        notes, kept = [f"Run {when}, written by `make bench`."], {}
    fresh: dict[str, list[str]] = {}
    for r in rows:
        fresh.setdefault(r["benchmark"], []).append(_line(r))
    table = [line for name in BENCHMARKS for line in
             fresh.get(name.split(".")[-1], kept.get(name.split(".")[-1], []))]
    lines = ["# Benchmark results", ""] + "\n\n".join(notes).splitlines() + [""] \
        + TABLE_HEAD + table
    RESULTS.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if all(r.get("pass") is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
