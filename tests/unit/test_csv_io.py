"""CSV import parsing: reading files (encodings, separators, rows) and parsing cells (csvio)."""

from __future__ import annotations

import codecs
from decimal import Decimal

import pytest

from tests.unit.csv_helpers import cells
from updoot_app.services.csvio.cell_parsers import (
    normalise_domain,
    parse_country,
    parse_decimal,
    parse_email,
    parse_headcount,
    parse_integer,
    split_list,
)
from updoot_app.services.csvio.reading import ROW_INDEX_NAME, CsvFormatError, read_csv_bytes

# --------------------------------------------------------------------------- encodings


def test_utf8_without_bom():
    frame = read_csv_bytes("Name,City\nMüller GmbH,Köln\n".encode())
    assert list(frame.columns) == ["Name", "City"]
    assert cells(frame) == [["Müller GmbH", "Köln"]]


def test_utf8_with_bom_does_not_leak_into_first_header():
    frame = read_csv_bytes(codecs.BOM_UTF8 + "Name,City\nÅre AB,Åre\n".encode())
    assert list(frame.columns) == ["Name", "City"]
    assert cells(frame) == [["Åre AB", "Åre"]]


def test_cp1252_fallback():
    data = "Name;Contact\nSociété Générale;Müller\nCafé „Zoë“;€ 5\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    frame = read_csv_bytes(data)
    assert cells(frame) == [["Société Générale", "Müller"], ["Café „Zoë“", "€ 5"]]


def test_utf16_with_bom_from_excel_unicode_text():
    frame = read_csv_bytes("Name\tCountry\nZoë\tDE\n".encode("utf-16"))
    assert cells(frame) == [["Zoë", "DE"]]


def test_bytes_valid_in_neither_encoding_are_refused():
    with pytest.raises(CsvFormatError, match="UTF-8 or Windows-1252"):
        read_csv_bytes(b"Name\nab\x81cd\n")


def test_excel_workbook_is_refused_with_advice():
    with pytest.raises(CsvFormatError, match="Save it as CSV"):
        read_csv_bytes(b"PK\x03\x04\x14\x00\x06\x00rest-of-zip")


def test_binary_content_is_refused():
    with pytest.raises(CsvFormatError, match="binary"):
        read_csv_bytes(b"Name\nab\x00cd\n")


# --------------------------------------------------------------------------- separators


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_separator_is_detected(separator):
    text = separator.join(["Name", "Revenue", "Notes"]) + "\n"
    text += separator.join(["Acme", '"1.234,56"', '"a, b; c\tx"']) + "\n"
    frame = read_csv_bytes(text.encode())
    assert list(frame.columns) == ["Name", "Revenue", "Notes"]
    assert cells(frame) == [["Acme", "1.234,56", "a, b; c\tx"]]


def test_semicolon_file_with_decimal_commas_everywhere():
    frame = read_csv_bytes(b"Name;Revenue;Employees\nA;1,5;2\nB;2,5;3\nC;3,75;4\n")
    assert cells(frame) == [["A", "1,5", "2"], ["B", "2,5", "3"], ["C", "3,75", "4"]]


def test_separators_inside_quoted_fields_do_not_fool_detection():
    data = b'Name,Notes\n"Acme; Inc","x;y;z"\n"B; C","1;2"\n'
    assert cells(read_csv_bytes(data)) == [["Acme; Inc", "x;y;z"], ["B; C", "1;2"]]


def test_excel_sep_hint_line():
    frame = read_csv_bytes(b"sep=;\nName;Revenue\nAcme;1,5\n")
    assert cells(frame) == [["Acme", "1,5"]]
    assert list(frame.index) == [2]


def test_quoted_newlines_stay_inside_the_cell():
    data = b'Name,Notes\r\nAcme,"line one\r\nline two, still notes"\r\nBeta,"a\nb"\r\n'
    frame = read_csv_bytes(data)
    assert cells(frame) == [["Acme", "line one\r\nline two, still notes"], ["Beta", "a\nb"]]
    assert list(frame.index) == [2, 3]


def test_single_column_file():
    assert cells(read_csv_bytes(b"Name\nAcme\nBeta, Inc\n")) == [["Acme"], ["Beta, Inc"]]


# --------------------------------------------------------------------------- cells and rows


def test_text_is_never_converted():
    frame = read_csv_bytes(b"Code,Flag,Empty,Num\n00123,NA,,1e5\nnull,N/A,  ,TRUE\n")
    assert cells(frame) == [["00123", "NA", "", "1e5"], ["null", "N/A", "  ", "TRUE"]]


def test_blank_lines_are_skipped_but_counted_as_rows():
    data = b"\n\nName,Domain\nAcme,acme.io\n\n   \n,\nBeta,beta.io\n"
    frame = read_csv_bytes(data)
    assert cells(frame) == [["Acme", "acme.io"], ["Beta", "beta.io"]]
    assert frame.index.name == ROW_INDEX_NAME
    assert list(frame.index) == [4, 8]


def test_header_whitespace_is_stripped():
    frame = read_csv_bytes(b" Name , Domain\t\nAcme,acme.io\n")
    assert list(frame.columns) == ["Name", "Domain"]


def test_short_rows_are_padded_with_empty_cells():
    assert cells(read_csv_bytes(b"a,b,c\n1\n1,2\n")) == [["1", "", ""], ["1", "2", ""]]


def test_unnamed_column_gets_a_name():
    assert list(read_csv_bytes(b"a,,c\n1,2,3\n").columns) == ["a", "Column 2", "c"]


def test_header_only_gives_empty_frame():
    frame = read_csv_bytes(b"Name,Domain\n")
    assert list(frame.columns) == ["Name", "Domain"] and frame.empty


@pytest.mark.parametrize("data", [b"", b"   ", b"\r\n\r\n", codecs.BOM_UTF8, b"\n;;\n"])
def test_empty_file(data):
    with pytest.raises(CsvFormatError, match="empty"):
        read_csv_bytes(data)


def test_duplicate_headers_are_refused():
    with pytest.raises(CsvFormatError, match='"Email" twice .columns 2 and 4'):
        read_csv_bytes(b"Name,Email,Phone, Email \nA,a@x.io,1,b@x.io\n")


def test_data_without_header_is_refused():
    with pytest.raises(CsvFormatError, match="header"):
        read_csv_bytes(b"1200,3.5,42\n1,2,3\n")
    with pytest.raises(CsvFormatError, match="header"):
        read_csv_bytes(b"jane@acme.io,bob@acme.io\nx,y\n")


def test_row_longer_than_header_is_refused_with_line_number():
    with pytest.raises(CsvFormatError, match="Line 3 has 3 cells but the header has 2"):
        read_csv_bytes(b"Name,Domain\nAcme,acme.io\nBeta,beta.io,extra\n")


def test_unbalanced_quote_is_refused():
    with pytest.raises(CsvFormatError, match="never closed"):
        read_csv_bytes(b'Name,Notes\nAcme,"open\n')


def test_csv_format_error_is_a_value_error():
    assert issubclass(CsvFormatError, ValueError)


def test_max_rows():
    data = b"Name\nA\nB\nC\n"
    assert len(read_csv_bytes(data, max_rows=3)) == 3
    with pytest.raises(CsvFormatError, match="3 data rows; at most 2"):
        read_csv_bytes(data, max_rows=2)


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.56", "1234.56"), ("1,234.56", "1234.56"), ("1.234,56", "1234.56"),
        ("1 234,56", "1234.56"), ("1\u00a0234,56", "1234.56"), ("1234,56", "1234.56"),
        ("€ 1.234", "1234"), ("$1,200", "1200"), ("1,234,567.89", "1234567.89"),
        ("1.234.567,89", "1234567.89"), ("1'234.50", "1234.50"), ("0.125", "0.125"),
        ("0,5", "0.5"), ("12", "12"), ("  42  ", "42"), ("USD 5,000", "5000"),
        ("5000 EUR", "5000"), ("1.5M", "1500000"), ("$2.5bn", "2500000000"),
        ("20k", "20000"), ("1.5E+07", "15000000"), ("+7", "7"), ("-0", "0"),
    ],
)
def test_parse_decimal_accepts(text, expected):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("NaN", "is not a number"), ("nan", "is not a number"),
        ("Infinity", "is not a number"), ("-inf", "is not a number"),
        ("1e308", "too large"), ("9" * 40, "too large"), ("1e-300", "decimal places"),
        ("abc", "is not a number"), ("", "is not a number"), ("1.2.3", "is not a number"),
        ("12 34", "is not a number"), ("1,23,4", "is not a number"),
        ("5 mil", "is not a number"), ("--5", "is not a number"),
        ("-5", "must not be negative"), ("(1,200)", "must not be negative"),
        ("$-5", "must not be negative"),
    ],
)
def test_parse_decimal_rejects_with_a_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_decimal(text)


def test_parse_decimal_negatives_when_allowed():
    assert parse_decimal("-1.234,5", allow_negative=True) == Decimal("-1234.5")
    assert parse_decimal("(1,200)", allow_negative=True) == Decimal("-1200")


def test_parse_decimal_message_quotes_the_value():
    with pytest.raises(ValueError, match=r"^'abc' is not a number$"):
        parse_decimal("abc")


@pytest.mark.parametrize(("text", "expected"), [("1,200", 1200), ("1.200", 1200), ("1200", 1200),
                                                ("1 200", 1200), ("7.0", 7), ("00123", 123)])
def test_parse_integer(text, expected):
    assert parse_integer(text) == expected


def test_parse_integer_refuses_fractions():
    with pytest.raises(ValueError, match="'12.5' is not a whole number"):
        parse_integer("12.5")


@pytest.mark.parametrize(("text", "expected"), [("51-200", 125), ("1,001 - 5,000", 3000),
                                                ("10,001+", 10001), ("500 employees", 500),
                                                ("11 to 50", 30)])
def test_parse_headcount_bands(text, expected):
    assert parse_headcount(text) == expected


def test_parse_headcount_errors_name_the_cell():
    with pytest.raises(ValueError, match="'12.5 employees' is not a whole number"):
        parse_headcount("12.5 employees")
    with pytest.raises(ValueError, match="size band"):
        parse_headcount("200-51")


# --------------------------------------------------------------------------- other parsers


@pytest.mark.parametrize(
    ("text", "code"),
    [("Germany", "DE"), ("DEU", "DE"), ("de", "DE"), ("  germany ", "DE"), ("UK", "GB"),
     ("United Kingdom", "GB"), ("GBR", "GB"), ("usa", "US"), ("United States", "US"),
     ("FRANCE", "FR"), ("Côte d'Ivoire", "CI"), ("Türkiye", "TR")],
)
def test_country_normalisation(text, code):
    assert parse_country(text) == code


def test_unknown_country():
    with pytest.raises(ValueError, match="'Atlantis' is not a known country"):
        parse_country("Atlantis")


@pytest.mark.parametrize(
    ("text", "domain"),
    [("acme.io", "acme.io"), ("https://www.Acme.io/about?x=1", "acme.io"),
     ("http://shop.acme.co.uk:8080", "shop.acme.co.uk"), ("WWW.ACME.COM/", "acme.com"),
     ("//acme.io#top", "acme.io"), ("jane@acme.io", "acme.io"), ("acme.io.", "acme.io"),
     ("münchen.de", "münchen.de")],
)
def test_domain_normalisation(text, domain):
    assert normalise_domain(text) == domain


@pytest.mark.parametrize("text", ["acme", "not a domain.com", "http://", "-acme.io", "1.2.3.4"])
def test_invalid_domains(text):
    with pytest.raises(ValueError, match="not a valid domain"):
        normalise_domain(text)


def test_email_validation():
    assert parse_email(" Jane.Doe@Acme.IO ") == "jane.doe@acme.io"
    assert parse_email("Jane Doe <jane@acme.io>") == "jane@acme.io"
    assert parse_email("zoë@bücher.de") == "zoë@bücher.de"
    for bad in ["jane", "jane@", "jane@@acme.io", "jane@acme", "ja ne@acme.io", "a..b@acme.io"]:
        with pytest.raises(ValueError, match="is not a valid email address"):
            parse_email(bad)


def test_split_list():
    assert split_list(" AWS; Snowflake | dbt ,, aws ;") == ["AWS", "Snowflake", "dbt"]
    assert split_list(";|,") == []
