"""Safe CSV export: no cell a spreadsheet would run as a formula (CSV injection)."""

from __future__ import annotations

import math
import numbers

import pandas as pd

_DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""Cell starts that spreadsheets may run as a formula (CSV injection). The full-width
forms are included because some Excel locales convert them to their ASCII twins."""


def neutralise_cell(value: object) -> str:
    """Text of a cell that no spreadsheet will run as a formula.

    Text starting with = + - @, a tab or a carriage return gets a leading
    apostrophe, which spreadsheets show as "text follows". Real numbers
    (int, float, Decimal) are written as they are, so -5 stays -5; None and
    NaN become "". The result never needs neutralising again.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return str(value)
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(_DANGEROUS_STARTS) else text


def _neutralise_text(value: object) -> object:
    return neutralise_cell(value) if isinstance(value, str) else value


def frame_to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV (UTF-8 with BOM, for Excel) with every text cell and header neutralised.

    Numeric columns, and numbers inside object columns, are left untouched.
    """
    safe = df.copy()
    safe.columns = [_neutralise_text(name) for name in df.columns]
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            safe.isetitem(position, column.map(_neutralise_text, na_action="ignore"))
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
