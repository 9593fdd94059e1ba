"""Property tests for updoot_app.services.csvio.

Generated text is restricted where a CSV file is ambiguous by nature, and only
there: no NUL; no bare carriage return in a
file written with "\n" line ends (pandas leaves it unquoted); header names are unique, non-empty identifiers (a header made
of separators or numbers is not a header); rows whose cells are all blank are
expected to disappear (they are blank lines to a spreadsheet user); and
Windows-1252 files must not happen to be valid UTF-8 as well (mojibake such as
"Ã©" is indistinguishable from the UTF-8 encoding of "é").
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from updoot_app.services.csvio.cell_parsers import parse_decimal
from updoot_app.services.csvio.reading import read_csv_bytes
from updoot_app.services.csvio.writing import frame_to_csv_bytes, neutralise_cell

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
SPECIALS = list(',;\t\n\r" \'=+-@') + ["\r\n", "NA", "00123", "é", "€", "ß", "中"]
CP1252 = sorted({
    bytes([b]).decode("cp1252", errors="ignore") for b in range(1, 256)
} - {""})

PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def any_char(encoding: str) -> st.SearchStrategy[str]:
    if encoding == "cp1252":
        return st.sampled_from(CP1252)
    return st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


def cell_text(encoding: str) -> st.SearchStrategy[str]:
    specials = [s for s in SPECIALS if encoding != "cp1252" or s != "中"]
    piece = st.one_of(st.sampled_from(specials), any_char(encoding))
    return st.lists(piece, max_size=8).map("".join)


header_name = st.from_regex(r"[A-Za-z][A-Za-z0-9_ ]{0,8}[A-Za-z0-9_]", fullmatch=True)


@st.composite
def text_frames(draw, encoding: str) -> pd.DataFrame:
    names = draw(st.lists(header_name, min_size=1, max_size=5, unique=True))
    rows = draw(st.lists(st.lists(cell_text(encoding), min_size=len(names),
                                  max_size=len(names)), max_size=8))
    return pd.DataFrame(rows, columns=names, dtype=object)


def without_blank_rows(rows: list[list[str]]) -> list[list[str]]:
    return [row for row in rows if any(cell.strip() for cell in row)]


def encode(frame: pd.DataFrame, encoding: str, separator: str, line_end: str) -> bytes:
    text = frame.to_csv(index=False, sep=separator, lineterminator=line_end)
    return text.encode(encoding)


@pytest.mark.parametrize("separator", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_pandas_written_csv_reads_back_cell_for_cell(encoding, separator):
    @PROPERTY_SETTINGS
    @given(frame=text_frames(encoding), line_end=st.sampled_from(["\r\n", "\n"]))
    def check(frame: pd.DataFrame, line_end: str) -> None:
        if line_end == "\n":
            # pandas' writer quotes only the characters of its line terminator, so a
            # bare CR would be written unquoted: such a file is ambiguous for any reader.
            frame = frame.map(lambda cell: cell.replace("\r", ""))
        data = encode(frame, encoding, separator, line_end)
        if encoding == "cp1252" and not data.isascii():
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                assume(False)
        back = read_csv_bytes(data)
        assert list(back.columns) == list(frame.columns)
        assert back.to_numpy().tolist() == without_blank_rows(frame.to_numpy().tolist())

    check()


@PROPERTY_SETTINGS
@given(frame=text_frames("utf-8"), numbers=st.lists(st.integers(-10**6, 10**6), max_size=8))
def test_export_reads_back_neutralised(frame, numbers):
    numbers = (numbers + [0] * len(frame))[: len(frame)]
    frame.insert(0, "amount", pd.Series(numbers, dtype="int64"))
    back = read_csv_bytes(frame_to_csv_bytes(frame))
    expected = [
        [str(row[0])] + [neutralise_cell(cell) for cell in row[1:]]
        for row in frame.to_numpy().tolist()
    ]
    assert back.to_numpy().tolist() == expected  # the amount column keeps rows non-blank
    for column in back.columns[1:]:
        assert not back[column].str.startswith(DANGEROUS).any()


@given(st.text())
def test_neutralised_cell_never_starts_dangerously(text):
    safe = neutralise_cell(text)
    assert not safe.startswith(DANGEROUS)
    assert safe in (text, "'" + text)
    assert neutralise_cell(safe) == safe


@st.composite
def money(draw) -> Decimal:
    places = draw(st.sampled_from([0, 2]))
    cents = draw(st.integers(min_value=0, max_value=10**14 - 1))
    return Decimal(cents).scaleb(-places)


def european(text: str) -> str:
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


FORMATS = {
    "plain": lambda d: f"{d:f}",
    "us": lambda d: f"{d:,f}",
    "european": lambda d: european(f"{d:,f}"),
    "spaced": lambda d: european(f"{d:,f}").replace(".", " "),
    "nbsp": lambda d: european(f"{d:,f}").replace(".", "\u00a0"),
    "swiss": lambda d: f"{d:,f}".replace(",", "'"),
    "dollar": lambda d: f"${d:,f}",
    "euro": lambda d: "€ " + european(f"{d:,f}"),
    "code": lambda d: f"{d:,f} USD",
}


@given(value=money(), style=st.sampled_from(sorted(FORMATS)))
def test_parse_decimal_round_trips_formatted_amounts(value, style):
    text = FORMATS[style](value)
    parsed = parse_decimal(text)
    assert parsed == value, text


@given(value=money())
def test_parse_decimal_negative_round_trip(value):
    assert parse_decimal(f"-{value:,f}", allow_negative=True) == -value
