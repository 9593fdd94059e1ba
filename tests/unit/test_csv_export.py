"""CSV writing: the import error report and export safety (csvio.row_validation, csvio.writing)."""

from __future__ import annotations

import codecs
from decimal import Decimal

import pandas as pd
import pytest

from tests.unit.csv_helpers import cells
from updoot_app.services.csvio.reading import read_csv_bytes
from updoot_app.services.csvio.row_validation import RowError, errors_to_csv
from updoot_app.services.csvio.writing import frame_to_csv_bytes, neutralise_cell

# --------------------------------------------------------------------------- error report


def test_errors_to_csv():
    data = errors_to_csv([RowError(3, "Employees", "'12.5' is not a whole number"),
                          RowError(4, "=Owner", "'=HYPERLINK(\"x\")' is not a valid email")])
    assert data.startswith(codecs.BOM_UTF8)
    frame = read_csv_bytes(data)
    assert list(frame.columns) == ["row", "column", "reason"]
    assert cells(frame) == [["3", "Employees", "'12.5' is not a whole number"],
                            ["4", "'=Owner", "'=HYPERLINK(\"x\")' is not a valid email"]]


def test_errors_to_csv_without_errors_has_a_header():
    assert errors_to_csv([]).decode("utf-8-sig").strip() == "row,column,reason"


# --------------------------------------------------------------------------- export safety


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1",
                                  "=HYPERLINK(\"http://x\")", "\uff1d1+1"])
def test_neutralise_dangerous_cells(text):
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Acme", "", " =1", "'=1", "1-2", "a=b", "\n=1"])
def test_neutralise_leaves_safe_cells(text):
    assert neutralise_cell(text) == text


def test_neutralise_non_text_values():
    assert neutralise_cell(-5) == "-5"
    assert neutralise_cell(Decimal("-1.50")) == "-1.50"
    assert neutralise_cell(-2.5) == "-2.5"
    assert neutralise_cell(None) == "" and neutralise_cell(float("nan")) == ""


def test_neutralise_is_idempotent():
    once = neutralise_cell("=cmd")
    assert neutralise_cell(once) == once


def test_export_round_trip():
    frame = pd.DataFrame({
        "name": ["=SUM(A1:A9)", "+49 30 123", "-minus", "@mention", "\ttab", "\rcr", "Acme", None],
        "balance": [-5, -1, 0, 3, 4, 5, 6, 7],
        "amount": [Decimal("-12.50"), "-x", None, Decimal("1"), 2, 3, 4, 5],
        "=evil header": ["a", "b", "c", "d", "e", "f", "g", "h"],
    })
    data = frame_to_csv_bytes(frame)
    assert data.startswith(codecs.BOM_UTF8)
    back = read_csv_bytes(data)
    assert list(back.columns) == ["name", "balance", "amount", "'=evil header"]
    assert back["name"].tolist() == ["'=SUM(A1:A9)", "'+49 30 123", "'-minus", "'@mention",
                                     "'\ttab", "'\rcr", "Acme", ""]
    assert back["balance"].tolist() == ["-5", "-1", "0", "3", "4", "5", "6", "7"]
    assert back["amount"].tolist() == ["-12.50", "'-x", "", "1", "2", "3", "4", "5"]
    for column in back.columns:
        for cell in back[column]:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
    assert frame["name"][0] == "=SUM(A1:A9)"  # the caller's frame is not modified


def test_export_float_and_string_dtype_columns():
    frame = pd.DataFrame({"f": [-1.5, float("nan")], "s": pd.Series(["-x", "y"], dtype="string")})
    assert read_csv_bytes(frame_to_csv_bytes(frame)).to_numpy().tolist() == [["-1.5", "'-x"],
                                                                           ["", "y"]]
