"""Reading an uploaded CSV file into a frame of text cells.

Row numbers are the ones a spreadsheet user sees when opening the file: the
header is row 1, the first data row is row 2, and blank lines count as rows
(a spreadsheet shows them as empty rows) even though they are skipped. A
quoted cell spanning several lines is still one row.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence

import pandas as pd

ROW_INDEX_NAME = "row"
"""Name of the index of frames from :func:`read_csv_bytes`: the spreadsheet row number."""

SEPARATORS = (",", ";", "\t")
_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_SNIFF_CHARS = 64 * 1024
_SNIFF_RECORDS = 200


class CsvFormatError(ValueError):
    """The file cannot be read as a CSV table; the message is safe to show."""


def read_csv_bytes(data: bytes, *, max_rows: int | None = None) -> pd.DataFrame:
    """Parse an uploaded CSV file into a frame of text cells.

    UTF-8 (with or without BOM) is tried first, then Windows-1252; UTF-16 with a
    BOM (Excel's "Unicode text") is accepted too. The separator (comma,
    semicolon or tab) is detected, or taken from an Excel ``sep=;`` first line.
    Every cell stays text ("00123" and "NA" are not converted); header names
    are stripped; blank lines are dropped. The index holds spreadsheet row
    numbers (see the module docstring) and is named :data:`ROW_INDEX_NAME`.

    Raises :class:`CsvFormatError` for empty or binary input, a missing or
    duplicated header, rows longer than the header, unbalanced quotes, or more
    than ``max_rows`` data rows.
    """
    text = _decode(data)
    text, separator = _take_separator_line(text)
    body, blank_rows_before = _strip_leading_blank_lines(text)
    if not body.strip():
        raise CsvFormatError("The file is empty: it needs a header row and data rows.")
    separator = separator or _sniff_separator(body)
    raw = _parse_table(body, separator)
    header = _header_names(raw.iloc[0].tolist())
    frame = raw.iloc[1:].fillna("")
    frame.columns = header
    header_row = blank_rows_before + 1
    frame.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(frame), name=ROW_INDEX_NAME)
    frame = frame[_non_blank_rows(frame)]
    if max_rows is not None and len(frame) > max_rows:
        raise CsvFormatError(
            f"The file has {len(frame):,} data rows; at most {max_rows:,} can be imported at once."
        )
    return frame


def _decode(data: bytes) -> str:
    if not data:
        raise CsvFormatError("The file is empty: it needs a header row and data rows.")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise CsvFormatError(
            "This is an Excel workbook or another binary file, not CSV text. "
            "Save it as CSV (comma or semicolon separated) and try again."
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode_as(data, "utf-16", "UTF-16")
    elif data.startswith(codecs.BOM_UTF8):
        text = _decode_as(data[len(codecs.BOM_UTF8):], "utf-8", "UTF-8 (it starts with a BOM)")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_as(data, "cp1252", "UTF-8 or Windows-1252")
    if "\x00" in text:
        raise CsvFormatError("This looks like a binary file, not CSV text.")
    return text


def _decode_as(data: bytes, encoding: str, described: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise CsvFormatError(
            f"The file is not valid {described} text (bad byte at position {exc.start}). "
            "Save it as CSV UTF-8 and try again."
        ) from exc


_SEP_LINE = re.compile(r"sep=(.)(?:\r\n|\n|\r)")
_LEADING_BLANK = re.compile(r"(?:[ \t,;]*(?:\r\n|\n|\r))+")


def _take_separator_line(text: str) -> tuple[str, str | None]:
    """Honour Excel's ``sep=;`` hint line, which Excel itself hides (it is no row)."""
    match = _SEP_LINE.match(text)
    if match and match.group(1) in SEPARATORS:
        return text[match.end():], match.group(1)
    return text, None


def _strip_leading_blank_lines(text: str) -> tuple[str, int]:
    match = _LEADING_BLANK.match(text)
    if not match:
        return text, 0
    prefix = match.group(0)
    return text[match.end():], len(re.findall(r"\r\n|\n|\r", prefix))


def _sniff_separator(text: str) -> str:
    """Pick the separator giving a multi-column header and the most consistent rows.

    Parsing the sample with the csv module (rather than counting characters)
    ignores separators inside quoted fields, including quoted newlines.
    """
    sample = text[:_SNIFF_CHARS]
    truncated = len(text) > _SNIFF_CHARS
    best, best_score = SEPARATORS[0], None
    for separator in SEPARATORS:
        counts = _field_counts(sample, separator, truncated)
        if not counts:
            continue
        header = counts[0]
        consistency = sum(count == header for count in counts) / len(counts)
        score = (header > 1, consistency, header)
        if best_score is None or score > best_score:
            best, best_score = separator, score
    return best


def _field_counts(sample: str, separator: str, truncated: bool) -> list[int]:
    counts: list[int] = []
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=separator)
    try:
        for row in reader:
            if row:
                counts.append(len(row))
            if len(counts) >= _SNIFF_RECORDS:
                return counts
    except csv.Error:
        if not truncated:
            return []
    if truncated and len(counts) > 1:
        counts.pop()  # the sample probably cut the last record in half
    return counts


_TOKENIZE_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _parse_table(body: str, separator: str) -> pd.DataFrame:
    try:
        return pd.read_csv(
            io.StringIO(body),
            sep=separator,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            quotechar='"',
            doublequote=True,
            engine="c",
        )
    except pd.errors.EmptyDataError as exc:
        raise CsvFormatError("The file has no header row.") from exc
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        raise CsvFormatError(_describe_parse_error(exc, separator)) from exc


def _describe_parse_error(exc: Exception, separator: str) -> str:
    name = _SEPARATOR_NAMES[separator]
    message = str(exc)
    match = _TOKENIZE_ERROR.search(message)
    if match:
        expected, line, seen = match.groups()
        return (
            f"Line {line} has {seen} cells but the header has {expected} "
            f"(read as {name}-separated). Check for a missing quote or an extra {name}."
        )
    if "EOF inside string" in message or "EOF following" in message:
        return "A quoted cell is never closed: check the file for an unbalanced double quote."
    return f"The file could not be read as {name}-separated CSV: {message}"


_LOOKS_LIKE_DATA = re.compile(r"[-+]?[0-9][0-9.,\s]*|[^@\s]+@[^@\s]+\.[^@\s]+")


def _header_names(cells: Sequence[object]) -> list[str]:
    names = ["" if pd.isna(cell) else str(cell).strip() for cell in cells]
    if not any(names):
        raise CsvFormatError("The first row must be a header naming the columns; it is empty.")
    if all(_LOOKS_LIKE_DATA.fullmatch(name) for name in names if name):
        raise CsvFormatError(
            "The first row holds values, not column names: add a header row naming the columns."
        )
    names = [name or f"Column {position}" for position, name in enumerate(names, start=1)]
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in seen:
            raise CsvFormatError(
                f'The header names "{name}" twice (columns {seen[name]} and {position}); '
                "rename one of them."
            )
        seen[name] = position
    return names


def _non_blank_rows(frame: pd.DataFrame) -> pd.Series:
    keep = pd.Series(False, index=frame.index)
    for position in range(frame.shape[1]):
        keep |= frame.iloc[:, position].str.strip().str.len() > 0
    return keep
