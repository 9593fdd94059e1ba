"""Checking every mapped cell of a file: clean records of the valid rows, errors of the others."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from updoot_app.services.csvio.cell_parsers import (
    PLAIN_DECIMAL,
    PLAIN_INTEGER,
    normalise_domain,
    parse_country,
    parse_decimal,
    parse_email,
    parse_headcount,
    parse_integer,
    parse_phone,
    split_list,
)
from updoot_app.services.csvio.fields import Field, FieldSet
from updoot_app.services.csvio.mapping import MappingError, check_mapping
from updoot_app.services.csvio.reading import ROW_INDEX_NAME
from updoot_app.services.csvio.writing import frame_to_csv_bytes


@dataclass(frozen=True)
class RowError:
    """One problem: ``row`` is the spreadsheet row number, ``column`` the CSV header."""

    row: int
    column: str
    reason: str


@dataclass
class ValidationResult:
    """Clean records of the valid rows and errors of the others (a row is all or nothing)."""

    records: list[dict[str, object]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_checked: int = 0

    @property
    def invalid_rows(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors


def _nones(index: pd.Index) -> pd.Series:
    """An object Series of None (``pd.Series(None, ...)`` would hold NaN)."""
    return pd.Series([None] * len(index), index=index, dtype=object)


_Checked = tuple[pd.Series, pd.Series]  # (clean values, reasons) — both object, None when absent


def _parse_distinct(cells: pd.Series, parse: Callable[[str], object]) -> _Checked:
    """Run a per-cell parser once per distinct value (imports repeat values a lot)."""
    values: dict[str, object] = {}
    reasons: dict[str, str | None] = {}
    for cell in pd.unique(cells.to_numpy()):
        try:
            values[cell], reasons[cell] = parse(cell), None
        except ValueError as exc:
            values[cell], reasons[cell] = None, str(exc)
    keys = cells.to_numpy()
    return (
        pd.Series([values[k] for k in keys], index=cells.index, dtype=object),
        pd.Series([reasons[k] for k in keys], index=cells.index, dtype=object),
    )


def _check_text(cells: pd.Series, item: Field) -> _Checked:
    too_long = cells.str.len() > item.max_length
    reasons = _nones(cells.index)
    reasons[too_long] = f"is longer than {item.max_length:,} characters"
    return cells.astype(object), reasons


def _check_number(
    plain_shape: re.Pattern[str],
    convert: Callable[[pd.Series], pd.Series],
    parse: Callable[[str], object],
) -> Callable[[pd.Series, Field], _Checked]:
    """Convert plainly written numbers a column at a time; parse only the others.

    Most numbers in a file are plain ("1200", "99.95"); a per-cell parse of
    every one of them would dominate the time of a large import.
    """

    def check(cells: pd.Series, item: Field) -> _Checked:
        plain = cells.str.fullmatch(plain_shape.pattern)
        values = convert(cells[plain])
        rest_values, rest_reasons = _parse_distinct(cells[~plain], parse)
        reasons = _nones(cells.index)
        reasons[~plain] = rest_reasons
        return pd.concat([values, rest_values]).reindex(cells.index), reasons

    return check


def _decimals(cells: pd.Series) -> pd.Series:
    return pd.Series([Decimal(v) for v in cells.to_numpy()], index=cells.index, dtype=object)


def _integers(cells: pd.Series) -> pd.Series:
    return cells.astype("int64").astype(object)


def _check_list(cells: pd.Series, item: Field) -> _Checked:
    shared, _ = _parse_distinct(cells, split_list)
    # Copy: rows with the same text must not share one mutable list.
    values = pd.Series([list(parts) for parts in shared], index=cells.index, dtype=object)
    too_long = pd.Series(
        [any(len(part) > item.max_length for part in parts) for parts in values],
        index=cells.index,
    )
    reasons = _nones(cells.index)
    reasons[too_long] = f"has an item longer than {item.max_length:,} characters"
    return values, reasons


def _check_with(parse: Callable[[str], object]) -> Callable[[pd.Series, Field], _Checked]:
    def check(cells: pd.Series, item: Field) -> _Checked:
        return _parse_distinct(cells, parse)

    return check


_CHECKS: dict[str, Callable[[pd.Series, Field], _Checked]] = {
    "text": _check_text,
    "decimal": _check_number(PLAIN_DECIMAL, _decimals, parse_decimal),
    "integer": _check_number(PLAIN_INTEGER, _integers, parse_integer),
    "headcount": _check_number(PLAIN_INTEGER, _integers, parse_headcount),
    "list": _check_list,
    "domain": _check_with(normalise_domain),
    "country": _check_with(parse_country),
    "email": _check_with(parse_email),
    "phone": _check_with(parse_phone),
}


def _check_column(cells: pd.Series, item: Field) -> _Checked:
    """Parse one mapped column; empty cells give None (an empty list for list fields)."""
    stripped = cells.fillna("").astype(str).str.strip()
    filled = stripped != ""
    values = _nones(cells.index)
    reasons = _nones(cells.index)
    if filled.any():
        parsed, problems = _CHECKS[item.kind](stripped[filled], item)
        values[filled] = parsed
        reasons[filled] = problems
    if item.kind == "list":
        values[~filled] = pd.Series([[] for _ in range(int((~filled).sum()))],
                                    index=cells.index[~filled], dtype=object)
    if item.required:
        reasons[~filled] = f"{item.label} is required"
    return values, reasons


def _row_numbers(frame: pd.DataFrame) -> list[int]:
    if frame.index.name == ROW_INDEX_NAME:
        return [int(row) for row in frame.index]
    return list(range(2, len(frame) + 2))


def validate_rows(
    df: pd.DataFrame, mapping: Mapping[str, str | None], fields: FieldSet
) -> ValidationResult:
    """Parse and check every mapped cell; keep only rows without any error.

    Each record holds the ``_row`` number and the clean value of every mapped
    field (None when the cell is empty, [] for empty lists). Contacts' full
    name is split into ``first_name``/``last_name`` and not returned itself.
    Row numbers come from the index of a ``reading.read_csv_bytes`` frame; for any
    other frame, position 0 is row 2 (the row under the header). Raises
    :class:`MappingError` when the mapping is unusable.
    """
    problems = check_mapping(mapping, fields, df.columns)
    if problems:
        raise MappingError(" ".join(problems))
    frame = df.reset_index(drop=True)
    rows = _row_numbers(df)
    column_of = {name: header for header, name in mapping.items() if name}
    clean: dict[str, pd.Series] = {}
    errors: list[tuple[int, int, RowError]] = []
    bad = pd.Series(False, index=frame.index)
    headers = list(df.columns)
    for name, header in column_of.items():
        values, reasons = _check_column(frame[header], fields[name])
        clean[name] = values
        failed = reasons.notna()
        bad |= failed
        order = headers.index(header)
        errors += [(rows[i], order, RowError(rows[i], header, r)) for i, r in reasons[failed].items()]
    for group in fields.one_of:
        missing = _rows_missing_group(group, clean, frame.index)
        header = next(column_of[name] for name in group if name in column_of)
        reason = " or ".join(fields[name].label for name in group) + " is required"
        errors += [(rows[i], headers.index(header), RowError(rows[i], header, reason))
                   for i in frame.index[missing]]
        bad |= missing
    if fields.finalise is not None:
        clean = fields.finalise(clean)
    errors.sort(key=lambda entry: (entry[0], entry[1]))
    return ValidationResult(
        records=_records(clean, rows, ~bad),
        errors=[entry[2] for entry in errors],
        rows_checked=len(frame),
    )


def _rows_missing_group(
    group: tuple[str, ...], clean: dict[str, pd.Series], index: pd.Index
) -> pd.Series:
    missing = pd.Series(True, index=index)
    for name in group:
        if name in clean:
            missing &= clean[name].isna()
    return missing


def _records(clean: dict[str, pd.Series], rows: list[int], keep: pd.Series) -> list[dict]:
    names = list(clean)
    kept_rows = [row for row, ok in zip(rows, keep, strict=True) if ok]
    columns = [clean[name][keep].tolist() for name in names]
    return [
        {"_row": row, **dict(zip(names, values, strict=True))}
        for row, *values in zip(kept_rows, *columns, strict=True)
    ]


def errors_to_csv(errors: Iterable[RowError]) -> bytes:
    """The per-row error report (row, column, reason) as an Excel-friendly CSV."""
    frame = pd.DataFrame(
        [(error.row, error.column, error.reason) for error in errors],
        columns=["row", "column", "reason"],
    )
    frame["row"] = frame["row"].astype("int64")
    return frame_to_csv_bytes(frame)
