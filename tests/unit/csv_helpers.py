"""Shared helper of the CSV tests (tests/unit/test_csv_*.py)."""

from __future__ import annotations

import pandas as pd


def cells(frame: pd.DataFrame) -> list[list[str]]:
    return frame.to_numpy().tolist()
