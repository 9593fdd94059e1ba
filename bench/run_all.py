"""Run every benchmark in bench/ and write bench/RESULTS.md.

Each benchmark module exposes `run() -> list[dict]` with rows
{"figure", "value", "target", "pass"}.
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


def main() -> int:
    rows = []
    for name in BENCHMARKS:
        rows += [{"benchmark": name.split(".")[-1], **row} for row in _run(name)]
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"Python {platform.python_version()}, written by `make bench`.",
        "",
        "| benchmark | figure | value | target | pass |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        verdict = {True: "pass", False: "FAIL", None: "—"}[r.get("pass")]
        lines.append(f"| {r['benchmark']} | {r['figure']} | {r['value']} | "
                     f"{r.get('target') or ''} | {verdict} |")
    RESULTS.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if all(r.get("pass") is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
