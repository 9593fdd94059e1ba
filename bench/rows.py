"""A benchmark's result row, as bench/run_all.py writes it into RESULTS.md."""

from __future__ import annotations


def row(figure: str, value, target: str | None = None, ok: bool | None = None) -> dict:
    return {"figure": figure, "value": value, "target": target, "pass": ok}
