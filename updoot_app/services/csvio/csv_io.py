"""CSV import (decoding, parsing, column mapping, row validation) and safe CSV export.

Plain Python and pandas: no Reflex, no database. The importer service calls
:func:`read_csv_bytes`, lets the user confirm :func:`guess_mapping`, then runs
:func:`validate_rows` and writes only ``result.records``; ``result.errors``
becomes the downloadable report from :func:`errors_to_csv`.

Row numbers are the ones a spreadsheet user sees when opening the file: the
header is row 1, the first data row is row 2, and blank lines count as rows
(a spreadsheet shows them as empty rows) even though they are skipped. A
quoted cell spanning several lines is still one row.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import numbers
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import numpy as np
import pandas as pd
import pycountry
from email_validator import EmailNotValidError, validate_email

from updoot_app.services.platform.geo import normalise_country

__all__ = [
    "COMPANY_FIELDS",
    "CONTACT_FIELDS",
    "ROW_INDEX_NAME",
    "CsvFormatError",
    "Field",
    "FieldSet",
    "MappingError",
    "RowError",
    "ValidationResult",
    "check_mapping",
    "errors_to_csv",
    "frame_to_csv_bytes",
    "guess_mapping",
    "neutralise_cell",
    "normalise_domain",
    "parse_country",
    "parse_decimal",
    "parse_email",
    "parse_headcount",
    "parse_integer",
    "parse_phone",
    "read_csv_bytes",
    "split_list",
    "validate_rows",
]

ROW_INDEX_NAME = "row"
"""Name of the index of frames from :func:`read_csv_bytes`: the spreadsheet row number."""

SEPARATORS = (",", ";", "\t")
_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_SNIFF_CHARS = 64 * 1024
_SNIFF_RECORDS = 200

MAX_ABS_NUMBER = Decimal("1e15")
"""Largest magnitude accepted for imported numbers: well above any real revenue."""
_MAX_DECIMAL_PLACES = 10


class CsvFormatError(ValueError):
    """The file cannot be read as a CSV table; the message is safe to show."""


class MappingError(ValueError):
    """The column mapping is unusable (required field unmapped, field mapped twice...)."""


# --------------------------------------------------------------------------- reading


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


# --------------------------------------------------------------------------- fields


@dataclass(frozen=True)
class Field:
    """One importable field. ``kind`` selects the parser; ``synonyms`` feed guess_mapping."""

    name: str
    label: str
    kind: str = "text"  # text, domain, integer, headcount, decimal, country, list, email, phone
    required: bool = False
    synonyms: tuple[str, ...] = ()
    max_length: int = 255


@dataclass(frozen=True)
class FieldSet:
    """The fields of one import target.

    ``one_of`` lists groups of fields of which each row needs at least one
    (contacts: a first name or a full name). ``finalise`` post-processes the
    clean columns of a whole file (contacts: split full names).
    """

    entity: str
    fields: tuple[Field, ...]
    one_of: tuple[tuple[str, ...], ...] = ()
    finalise: Callable[[dict[str, pd.Series]], dict[str, pd.Series]] | None = None

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def __getitem__(self, name: str) -> Field:
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [item.name for item in self.fields]


_NOTES_SYNONYMS = ("notes", "note", "description", "comments", "comment", "=about")

COMPANY_FIELDS = FieldSet(
    entity="company",
    fields=(
        Field("name", "Company name", required=True, synonyms=(
            "name", "company", "company name", "account", "account name", "organization",
            "organisation", "organization name", "organisation name", "business name")),
        Field("domain", "Domain", "domain", synonyms=(
            "domain", "website", "web site", "url", "company domain", "company website",
            "website url", "homepage", "=web")),
        Field("industry", "Industry", synonyms=("industry", "sector", "vertical")),
        Field("employees", "Employees", "headcount", synonyms=(
            "employees", "employee count", "number of employees", "# of employees",
            "no of employees", "num employees", "headcount", "head count", "company size",
            "=size", "=staff")),
        Field("annual_revenue", "Annual revenue", "decimal", synonyms=(
            "annual revenue", "revenue", "arr", "turnover", "annual turnover",
            "yearly revenue")),
        Field("country", "Country", "country", synonyms=(
            "country", "country code", "hq country", "headquarters country",
            "company country", "=nation")),
        Field("tech_stack", "Tech stack", "list", synonyms=(
            "tech stack", "technologies", "technology", "tech", "technographics")),
        Field("triggers", "Triggers", "list", synonyms=(
            "triggers", "trigger", "signals", "signal", "trigger events", "buying signals",
            "intent signals")),
        Field("tags", "Tags", "list", synonyms=("tags", "tag", "labels", "label")),
        Field("owner_email", "Owner email", "email", synonyms=(
            "owner", "owner email", "account owner", "company owner", "sales owner",
            "assigned to")),
        Field("notes", "Notes", max_length=10_000, synonyms=_NOTES_SYNONYMS),
    ),
)


def _split_full_names(columns: dict[str, pd.Series]) -> dict[str, pd.Series]:
    """Fill empty first/last names from the full name, then drop the full name.

    "Smith, John" reads as last, first; otherwise the first word is the first
    name and the rest the last name ("Ludwig van Beethoven" -> "Ludwig",
    "van Beethoven"). A last name given in its own column is kept.
    """
    full = columns.pop("name", None)
    if full is None:
        return columns
    nothing = _nones(full.index)
    first = columns.get("first_name", nothing).to_numpy(dtype=object).copy()
    last = columns.get("last_name", nothing).to_numpy(dtype=object).copy()
    names = full.to_numpy(dtype=object)
    for position in np.flatnonzero(full.notna().to_numpy() & pd.isna(first)):
        given, family = _split_name(names[position])
        first[position] = given
        if last[position] is None and family:
            last[position] = family
    columns["first_name"] = pd.Series(first, index=full.index, dtype=object)
    columns["last_name"] = pd.Series(last, index=full.index, dtype=object)
    return columns


def _split_name(full: str) -> tuple[str, str | None]:
    if "," in full:
        family, _, given = full.partition(",")
        if given.strip() and family.strip():
            return given.strip(), family.strip()
    parts = full.split(None, 1)
    return parts[0], (parts[1] if len(parts) > 1 else None)


CONTACT_FIELDS = FieldSet(
    entity="contact",
    fields=(
        Field("first_name", "First name", synonyms=(
            "first name", "=first", "given name", "forename", "contact first name")),
        Field("last_name", "Last name", synonyms=(
            "last name", "=last", "surname", "family name", "contact last name")),
        Field("name", "Full name", synonyms=(
            "name", "full name", "contact name", "=contact", "=person")),
        Field("title", "Job title", synonyms=(
            "title", "job title", "position", "=role", "job role", "designation", "=job")),
        Field("email", "Email", "email", synonyms=(
            "email", "e-mail", "email address", "e-mail address", "work email",
            "business email", "=mail")),
        Field("phone", "Phone", "phone", max_length=50, synonyms=(
            "phone", "phone number", "telephone", "=tel", "mobile", "mobile phone", "=cell",
            "direct dial", "work phone")),
        Field("company_domain", "Company domain", "domain", synonyms=(
            "company domain", "domain", "website", "company website", "url", "=web")),
        Field("company_name", "Company name", synonyms=(
            "company", "company name", "account", "account name", "organization",
            "organisation", "employer")),
        Field("persona", "Persona", synonyms=("persona", "buyer persona", "persona name")),
        Field("notes", "Notes", max_length=10_000, synonyms=_NOTES_SYNONYMS),
    ),
    one_of=(("first_name", "name"),),
    finalise=_split_full_names,
)


# --------------------------------------------------------------------------- mapping


def _header_words(text: str) -> list[str]:
    """Words of a header: camelCase split, accents dropped, case-folded, '#' read as 'number'."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    decomposed = unicodedata.normalize("NFKD", spaced.replace("#", " number "))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return re.findall(r"[a-z0-9]+", plain)


def _squash(text: str) -> str:
    return "".join(_header_words(text))


def _windows(words: list[str]) -> set[str]:
    return {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}


def guess_mapping(headers: Sequence[str], fields: FieldSet) -> dict[str, str | None]:
    """Map each CSV header to a field name (or None) from header text and synonyms.

    An exact match of the normalised header ("Company Name", "company_name",
    "CompanyName" are equal) beats a header that merely contains a synonym
    ("Work E-mail" contains "email"); longer synonyms beat shorter ones.
    Synonyms written "=word" only match exactly ("Last" but not "Last
    contacted"). Each
    field is used at most once, each header gets at most one field.
    """
    candidates: list[tuple[tuple[int, int, int], str, str]] = []
    for position, header in enumerate(headers):
        squashed = _squash(header)
        windows = _windows(_header_words(header))
        for item in fields:
            for synonym in {item.name, item.label, *item.synonyms}:
                key = _squash(synonym)
                if not key or key not in windows:
                    continue
                exact = 2 if key == squashed else 1
                if exact == 1 and synonym.startswith("="):
                    continue
                candidates.append(((exact, len(key), -position), header, item.name))
    mapping: dict[str, str | None] = {header: None for header in headers}
    used: set[str] = set()
    for _score, header, name in sorted(candidates, key=lambda c: c[0], reverse=True):
        if mapping[header] is None and name not in used:
            mapping[header] = name
            used.add(name)
    return mapping


def check_mapping(
    mapping: Mapping[str, str | None], fields: FieldSet, headers: Iterable[str] | None = None
) -> list[str]:
    """Problems with a mapping, as readable sentences (empty when it is usable)."""
    problems: list[str] = []
    known = set(fields.names)
    header_set = set(headers) if headers is not None else None
    mapped: dict[str, str] = {}
    for header, name in mapping.items():
        if not name:
            continue
        if name not in known:
            problems.append(f'Column "{header}" is mapped to an unknown field "{name}".')
        elif name in mapped:
            problems.append(
                f'Columns "{mapped[name]}" and "{header}" are both mapped to '
                f"{fields[name].label}; map only one."
            )
        else:
            mapped[name] = header
        if header_set is not None and header not in header_set:
            problems.append(f'Column "{header}" is not in the file.')
    for item in fields:
        if item.required and item.name not in mapped:
            problems.append(f"{item.label} is required: map a column to it.")
    for group in fields.one_of:
        if not any(name in mapped for name in group):
            labels = " or ".join(fields[name].label for name in group)
            problems.append(f"{labels} is required: map a column to one of them.")
    return problems


# --------------------------------------------------------------------------- cell parsers


def _quoted(value: str, limit: int = 40) -> str:
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return f"'{shown}'"


_CURRENCY_SIGNS = "$€£¥₹₩₽₺₪₫฿₴₦₱"
_CURRENCY = rf"(?:[A-Z]{{3}}|[A-Z]{{0,2}}\$|[{_CURRENCY_SIGNS}])"
_SIGN = "[-+\u2212]"
_NUMBER_SHAPE = re.compile(
    rf"(?P<sign1>{_SIGN}?)\s*(?P<cur1>{_CURRENCY})?\s*(?P<sign2>{_SIGN}?)\s*"
    r"(?P<num>[0-9.,][0-9.,'\s]*?)"
    r"(?:[eE](?P<exp>[-+]?[0-9]{1,3}))?"
    r"\s*(?P<mult>(?i:thousand|million|billion|mm|mn|bn|k|m|b))?"
    rf"\s*(?P<cur2>{_CURRENCY})?"
)
_MULTIPLIERS = {
    "k": 3, "thousand": 3, "m": 6, "mm": 6, "mn": 6, "million": 6,
    "b": 9, "bn": 9, "billion": 9,
}
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:(?P<g>[,.'\s])[0-9]{3})(?:(?P=g)[0-9]{3})*")
# Unambiguous plain numbers ("1234", "1234.5", "99.95"); three decimals could be grouping.
_PLAIN_DECIMAL = re.compile(r"[0-9]{1,15}(?:\.(?:[0-9]{1,2}|[0-9]{4,10}))?")


@lru_cache(maxsize=1)
def _currency_codes() -> frozenset[str]:
    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


def parse_decimal(
    text: str, *, allow_negative: bool = False, max_abs: Decimal = MAX_ABS_NUMBER
) -> Decimal:
    """Read a human-written amount: "1,234.56", "1.234,56", "1 234,56", "€ 1.234", "$1.2M".

    The last of "." and "," is the decimal mark when both appear. A lone
    separator followed by exactly three digits after a 1–3 digit lead is a
    thousands separator ("1.234" and "1,234" are 1234), otherwise a decimal
    mark ("1234,56", "0.125"). Currency signs and ISO codes are ignored;
    k/M/bn multiply. NaN, infinities, more than ten decimal places and values
    above ``max_abs`` are refused. Raises ValueError with a readable reason.
    """
    value = text.strip()
    if _PLAIN_DECIMAL.fullmatch(value):
        return _check_range(Decimal(value), value, allow_negative, max_abs)
    negative = value.startswith("(") and value.endswith(")")
    inner = value[1:-1].strip() if negative else value
    match = _NUMBER_SHAPE.fullmatch(inner)
    if not match or not _valid_currency(match):
        raise ValueError(f"{_quoted(value)} is not a number")
    signs = [s for s in (match["sign1"], match["sign2"]) if s]
    if len(signs) + negative > 1:
        raise ValueError(f"{_quoted(value)} is not a number")
    negative = negative or signs == ["-"] or signs == ["\u2212"]
    canonical = _canonical_digits(match["num"].strip(), decimal_only=bool(match["mult"]))
    if canonical is None:
        raise ValueError(f"{_quoted(value)} is not a number")
    number = Decimal(canonical)
    if match["exp"]:
        number = number.scaleb(int(match["exp"]))
    if match["mult"]:
        number = number.scaleb(_MULTIPLIERS[match["mult"].lower()])
    number = _check_range(-number if negative else number, value, allow_negative, max_abs)
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number


def _valid_currency(match: re.Match[str]) -> bool:
    codes = [c for c in (match["cur1"], match["cur2"]) if c]
    if len(codes) > 1:
        return False
    return all(len(c) != 3 or not c.isalpha() or c in _currency_codes() for c in codes)


def _canonical_digits(num: str, *, decimal_only: bool) -> str | None:
    """"1.234,56" -> "1234.56"; None when the digit grouping makes no sense."""
    last_dot, last_comma = num.rfind("."), num.rfind(",")
    mark_at = max(last_dot, last_comma)
    if mark_at >= 0:
        mark = num[mark_at]
        lone = num.count(mark) == 1
        head, tail = num[:mark_at], num[mark_at + 1:]
        thousands = (
            lone and not decimal_only and len(tail) == 3 and tail.isdigit()
            and head.isdigit() and 1 <= len(head) <= 3 and not head.startswith("0")
        )
        if lone and not thousands:
            integer, fraction = head, tail
        else:
            integer, fraction = num, ""
    else:
        integer, fraction = num, ""
    if fraction and not (fraction.isascii() and fraction.isdigit()):
        return None
    integer = _ungroup(integer)
    if integer is None or not (integer or fraction):
        return None
    return f"{integer or '0'}.{fraction}" if fraction else integer


def _ungroup(integer: str) -> str | None:
    if integer == "" or (integer.isascii() and integer.isdigit()):
        return integer
    if _GROUPED.fullmatch(integer):
        return re.sub(r"[^0-9]", "", integer)
    return None


def _check_range(number: Decimal, text: str, allow_negative: bool, max_abs: Decimal) -> Decimal:
    if not number.is_finite():
        raise ValueError(f"{_quoted(text)} is not a number")
    if number.as_tuple().exponent < -_MAX_DECIMAL_PLACES:
        raise ValueError(f"{_quoted(text)} has more than {_MAX_DECIMAL_PLACES} decimal places")
    if abs(number) > max_abs:
        raise ValueError(f"{_quoted(text)} is too large (the limit is {max_abs:,.0f})")
    if number < 0 and not allow_negative:
        raise ValueError(f"{_quoted(text)} must not be negative")
    return number if number != 0 else abs(number)


def parse_integer(
    text: str, *, allow_negative: bool = False, max_abs: Decimal = MAX_ABS_NUMBER
) -> int:
    """A whole number with optional thousands separators: "1,200" and "1.200" are 1200."""
    value = text.strip()
    if value.isascii() and value.isdigit() and len(value) <= 15:
        return int(value)
    number = parse_decimal(value, allow_negative=allow_negative, max_abs=max_abs)
    if number != number.to_integral_value():
        raise ValueError(f"{_quoted(value)} is not a whole number")
    return int(number)


_HEADCOUNT_WORDS = re.compile(r"\s*(?i:employees|employee|people|staff|emp\.?)$")
_HEADCOUNT_RANGE = re.compile(r"(.+?)\s*(?:-|–|—|(?i:to))\s*(.+)")


def parse_headcount(text: str) -> int:
    """Employees: a whole number, or a size band as exported by LinkedIn and data vendors.

    "51-200" gives the midpoint rounded down (125), "10,001+" its lower bound.
    """
    original = text.strip()
    value = _HEADCOUNT_WORDS.sub("", original)
    try:
        return _headcount(value)
    except ValueError as exc:
        # Name the cell as the user wrote it, not the part left after cleaning.
        raise ValueError(str(exc).replace(_quoted(value), _quoted(original))) from None


def _headcount(value: str) -> int:
    if value.endswith("+"):
        return parse_integer(value[:-1])
    band = _HEADCOUNT_RANGE.fullmatch(value)
    if band and band.group(1)[-1:].isdigit():
        low, high = parse_integer(band.group(1)), parse_integer(band.group(2))
        if low > high:
            raise ValueError(f"{_quoted(value)} is not a valid size band")
        return (low + high) // 2
    return parse_integer(value)


def parse_country(text: str) -> str:
    """ISO 3166 alpha-2 code from an alpha-2 or alpha-3 code or an English name."""
    code = normalise_country(text)
    if code is None:
        raise ValueError(f"{_quoted(text.strip())} is not a known country")
    return code


_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")
_HOSTNAME = re.compile(
    r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9\-]{1,59})"
)


def normalise_domain(text: str) -> str:
    """Bare lowercase host name from a domain, URL or e-mail address.

    "https://www.Acme.io/about?x=1" -> "acme.io"; "jane@acme.io" -> "acme.io".
    """
    host = _SCHEME.sub("", text.strip().lower()).lstrip("/")
    host = re.split(r"[/?#]", host, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1]
    host = re.sub(r":[0-9]*$", "", host).rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        ascii_host = host if host.isascii() else host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = ""
    if not _HOSTNAME.fullmatch(ascii_host):
        raise ValueError(f"{_quoted(text.strip())} is not a valid domain or website")
    return host


# Plain ASCII addresses: the local part is checked here and only the domain by
# email-validator, once per distinct domain (contacts share employers' domains).
_SIMPLE_EMAIL = re.compile(r"([a-z0-9_%+\-]+(?:\.[a-z0-9_%+\-]+)*)@([a-z0-9.\-]+)", re.IGNORECASE)


def parse_email(text: str) -> str:
    """Validated, lower-cased address; "Jane Doe <jane@acme.io>" is accepted too."""
    value = text.strip()
    simple = _SIMPLE_EMAIL.fullmatch(value)
    if simple and len(simple[1]) <= 64 and len(value) <= 254:
        domain = _email_domain(simple[2].lower())
        if domain is not None:
            return f"{simple[1]}@{domain}".lower()
    try:
        result = validate_email(value, check_deliverability=False, allow_display_name=True)
    except EmailNotValidError as exc:
        raise ValueError(f"{_quoted(value)} is not a valid email address: {exc}") from exc
    return result.normalized.lower()


@lru_cache(maxsize=8192)
def _email_domain(domain: str) -> str | None:
    try:
        return validate_email(f"a@{domain}", check_deliverability=False).ascii_domain
    except EmailNotValidError:
        return None


_PHONE = re.compile(
    r"\+?[0-9 ()./\-\u00a0]+(?:\s*(?:x|ext\.?|extension|#)\s*[0-9]{1,6})?", re.IGNORECASE
)


def parse_phone(text: str) -> str:
    """Phone numbers are kept as written, but must look like one (5–20 digits)."""
    value = text.strip()
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE.fullmatch(value) or not 5 <= digits <= 20:
        raise ValueError(f"{_quoted(value)} is not a phone number")
    return value


_LIST_SPLIT = re.compile(r"[;|,]")


def split_list(text: str) -> list[str]:
    """Split "AWS; Snowflake | dbt, AWS" into ["AWS", "Snowflake", "dbt"] (case-insensitive dedupe)."""
    items: list[str] = []
    seen: set[str] = set()
    for part in _LIST_SPLIT.split(text):
        item = " ".join(part.split())
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            items.append(item)
    return items


# --------------------------------------------------------------------------- validation


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


def _check_decimal(cells: pd.Series, item: Field) -> _Checked:
    plain = cells.str.fullmatch(_PLAIN_DECIMAL.pattern)
    values = pd.Series(
        [Decimal(v) for v in cells[plain].to_numpy()], index=cells.index[plain], dtype=object
    )
    rest_values, rest_reasons = _parse_distinct(cells[~plain], parse_decimal)
    reasons = _nones(cells.index)
    reasons[~plain] = rest_reasons
    return pd.concat([values, rest_values]).reindex(cells.index), reasons


def _check_integer(parse: Callable[[str], int]) -> Callable[[pd.Series, Field], _Checked]:
    def check(cells: pd.Series, item: Field) -> _Checked:
        plain = cells.str.fullmatch(r"[0-9]{1,15}")
        values = cells[plain].astype("int64").astype(object)
        rest_values, rest_reasons = _parse_distinct(cells[~plain], parse)
        reasons = _nones(cells.index)
        reasons[~plain] = rest_reasons
        return pd.concat([values, rest_values]).reindex(cells.index), reasons

    return check


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
    "decimal": _check_decimal,
    "integer": _check_integer(parse_integer),
    "headcount": _check_integer(parse_headcount),
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
    Row numbers come from the index of a :func:`read_csv_bytes` frame; for any
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


# --------------------------------------------------------------------------- export


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


def errors_to_csv(errors: Iterable[RowError]) -> bytes:
    """The per-row error report (row, column, reason) as an Excel-friendly CSV."""
    frame = pd.DataFrame(
        [(error.row, error.column, error.reason) for error in errors],
        columns=["row", "column", "reason"],
    )
    frame["row"] = frame["row"].astype("int64")
    return frame_to_csv_bytes(frame)
