"""CSV import parsing/validation and CSV export safety (updoot_app.services.csvio)."""

from __future__ import annotations

import codecs
from decimal import Decimal

import pandas as pd
import pytest

from updoot_app.services.csvio.cell_parsers import (
    normalise_domain,
    parse_country,
    parse_decimal,
    parse_email,
    parse_headcount,
    parse_integer,
    split_list,
)
from updoot_app.services.csvio.fields import COMPANY_FIELDS, CONTACT_FIELDS
from updoot_app.services.csvio.mapping import MappingError, check_mapping, guess_mapping
from updoot_app.services.csvio.reading import ROW_INDEX_NAME, CsvFormatError, read_csv_bytes
from updoot_app.services.csvio.row_validation import RowError, errors_to_csv, validate_rows
from updoot_app.services.csvio.writing import frame_to_csv_bytes, neutralise_cell


def cells(frame: pd.DataFrame) -> list[list[str]]:
    return frame.to_numpy().tolist()


def companies(text: str, mapping: dict[str, str | None] | None = None):
    frame = read_csv_bytes(text.encode("utf-8"))
    mapping = mapping or guess_mapping(list(frame.columns), COMPANY_FIELDS)
    return validate_rows(frame, mapping, COMPANY_FIELDS)


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


# --------------------------------------------------------------------------- mapping


def test_guess_company_mapping():
    headers = [
        "Company Name", "Website", "# of employees", "Annual Revenue", "HQ Country",
        "Technologies", "Signals", "Labels", "Owner", "Description", "Favourite colour",
    ]
    assert guess_mapping(headers, COMPANY_FIELDS) == {
        "Company Name": "name", "Website": "domain", "# of employees": "employees",
        "Annual Revenue": "annual_revenue", "HQ Country": "country",
        "Technologies": "tech_stack", "Signals": "triggers", "Labels": "tags",
        "Owner": "owner_email", "Description": "notes", "Favourite colour": None,
    }


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Company", "name"), ("Account", "name"), ("company_name", "name"),
        ("CompanyName", "name"), ("URL", "domain"), ("Domain", "domain"),
        ("Employees", "employees"), ("Headcount", "employees"),
        ("Company size", "employees"), ("No. of Employees", "employees"),
        ("Revenue", "annual_revenue"), ("ARR", "annual_revenue"),
        ("Country", "country"), ("Country Code", "country"), ("Tech", "tech_stack"),
        ("Triggers", "triggers"), ("Tags", "tags"), ("Notes", "notes"),
        ("Industry", "industry"), ("Owner Email", "owner_email"),
    ],
)
def test_company_synonyms(header, field):
    assert guess_mapping([header], COMPANY_FIELDS) == {header: field}


def test_guess_contact_mapping():
    headers = ["First Name", "Last Name", "E-mail", "Job Title", "Company", "Website",
               "Phone Number", "Last Contacted", "Persona", "Notes"]
    assert guess_mapping(headers, CONTACT_FIELDS) == {
        "First Name": "first_name", "Last Name": "last_name", "E-mail": "email",
        "Job Title": "title", "Company": "company_name", "Website": "company_domain",
        "Phone Number": "phone", "Last Contacted": None, "Persona": "persona",
        "Notes": "notes",
    }


def test_guess_contact_mapping_with_full_name_and_contained_synonyms():
    headers = ["Name", "Work E-mail", "Position", "Account"]
    assert guess_mapping(headers, CONTACT_FIELDS) == {
        "Name": "name", "Work E-mail": "email", "Position": "title", "Account": "company_name",
    }


def test_a_field_is_mapped_at_most_once_and_exact_names_win():
    mapping = guess_mapping(["Company", "Company Name", "Revenue", "ARR"], COMPANY_FIELDS)
    assert mapping == {"Company": None, "Company Name": "name",
                       "Revenue": "annual_revenue", "ARR": None}
    assert list(mapping.values()).count("name") == 1


def test_check_mapping_reports_problems():
    assert check_mapping({"Company": "name"}, COMPANY_FIELDS) == []
    problems = check_mapping({"Domain": "domain", "URL": "domain", "X": "nope"}, COMPANY_FIELDS)
    assert any("both mapped to Domain" in p for p in problems)
    assert any("unknown field" in p for p in problems)
    assert any("Company name is required" in p for p in problems)


def test_validate_rows_refuses_unusable_mapping():
    frame = read_csv_bytes(b"Domain\nacme.io\n")
    with pytest.raises(MappingError, match="Company name is required"):
        validate_rows(frame, {"Domain": "domain"}, COMPANY_FIELDS)
    with pytest.raises(MappingError, match="not in the file"):
        validate_rows(frame, {"Domain": "domain", "Name": "name"}, COMPANY_FIELDS)


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


# --------------------------------------------------------------------------- validate_rows


COMPANY_CSV = (
    "Company,Website,Employees,Revenue,Country,Technologies,Tags,Owner,Notes\n"
    'Acme,https://www.acme.io/,"1,200",\u20ac 1.234,Germany,"AWS; GCP",a|b,Al@X.io,hi\n'
    "Beta,beta.com,12.5,100,DE,,,,\n"
    "Gamma,gamma.com,5,,Atlantis,,,not-an-email,\n"
    ",delta.com,5,100,FR,,,,\n"
    "Epsilon,,,,,,,,\n"
)


def test_validate_companies_records_are_typed():
    result = companies(COMPANY_CSV)
    assert result.records[0] == {
        "_row": 2, "name": "Acme", "domain": "acme.io", "employees": 1200,
        "annual_revenue": Decimal("1234"), "country": "DE", "tech_stack": ["AWS", "GCP"],
        "tags": ["a", "b"], "owner_email": "al@x.io", "notes": "hi",
    }
    assert result.records[1] == {
        "_row": 6, "name": "Epsilon", "domain": None, "employees": None,
        "annual_revenue": None, "country": None, "tech_stack": [], "tags": [],
        "owner_email": None, "notes": None,
    }
    assert result.rows_checked == 5


def test_validate_companies_errors_have_exact_rows_and_columns():
    result = companies(COMPANY_CSV)
    assert result.errors == [
        RowError(3, "Employees", "'12.5' is not a whole number"),
        RowError(4, "Country", "'Atlantis' is not a known country"),
        RowError(4, "Owner", "'not-an-email' is not a valid email address: "
                 "An email address must have an @-sign."),
        RowError(5, "Company", "Company name is required"),
    ]
    assert result.invalid_rows == 3 and not result.ok


def test_never_half_a_row():
    result = companies(COMPANY_CSV)
    kept = {record["_row"] for record in result.records}
    failed = {error.row for error in result.errors}
    assert kept == {2, 6}
    assert kept.isdisjoint(failed)
    assert kept | failed == {2, 3, 4, 5, 6}


def test_row_numbers_count_blank_lines_and_multiline_cells():
    text = 'Name,Employees\n\nA,1\n"B\nstill B",x\n\n,\nC,-1\n'
    result = companies(text)
    assert [r["_row"] for r in result.records] == [3]
    assert [(e.row, e.column) for e in result.errors] == [(4, "Employees"), (7, "Employees")]


def test_row_numbers_for_a_plain_dataframe_start_at_two():
    frame = pd.DataFrame({"Name": ["A", "", "C"]})
    result = validate_rows(frame, {"Name": "name"}, COMPANY_FIELDS)
    assert [r["_row"] for r in result.records] == [2, 4]
    assert result.errors == [RowError(3, "Name", "Company name is required")]


def test_unmapped_columns_are_ignored_and_values_stripped():
    result = companies("Name,Extra\n  Acme  ,=cmd\n", {"Name": "name", "Extra": None})
    assert result.records == [{"_row": 2, "name": "Acme"}]


def test_text_longer_than_limit_is_an_error():
    result = companies("Name\n" + "x" * 300 + "\n")
    assert result.errors == [RowError(2, "Name", "is longer than 255 characters")]


def test_decimal_comma_revenue_in_semicolon_file():
    data = "Firma;Umsatz;Land\nMüller AG;1.234,56;Deutschland\n".encode("cp1252")
    frame = read_csv_bytes(data)
    mapping = {"Firma": "name", "Umsatz": "annual_revenue", "Land": "country"}
    result = validate_rows(frame, mapping, COMPANY_FIELDS)
    assert result.errors == [RowError(2, "Land", "'Deutschland' is not a known country")]
    result = validate_rows(frame, {"Firma": "name", "Umsatz": "annual_revenue"}, COMPANY_FIELDS)
    assert result.records == [
        {"_row": 2, "name": "Müller AG", "annual_revenue": Decimal("1234.56")}
    ]


def test_numbers_are_validated_in_bulk_and_one_by_one_alike():
    values = ["100", "1.234", "99.95", "1,5", "0.125", "-3", "x", "1e308", "12.345,67"]
    text = "Name,Revenue\n" + "".join(f'N{i},"{v}"\n' for i, v in enumerate(values))
    result = companies(text)
    by_row = {r["_row"]: r["annual_revenue"] for r in result.records}
    for row, value in enumerate(values, start=2):
        try:
            expected = parse_decimal(value)
        except ValueError as exc:
            assert RowError(row, "Revenue", str(exc)) in result.errors
            assert row not in by_row
        else:
            assert by_row[row] == expected


def test_list_values_are_not_shared_between_rows():
    result = companies("Name,Tags\nA,x;y\nB,x;y\n")
    first, second = (r["tags"] for r in result.records)
    assert first == second == ["x", "y"] and first is not second


def test_contacts_email_validation():
    text = ("First Name,Last Name,Email\nJane,Doe,Jane@Acme.io\nBob,,bob@@acme.io\n"
            "Eve,,\nMallory,,mallory@localhost\n")
    frame = read_csv_bytes(text.encode())
    result = validate_rows(frame, guess_mapping(list(frame.columns), CONTACT_FIELDS),
                           CONTACT_FIELDS)
    assert [r["_row"] for r in result.records] == [2, 4]
    assert result.records[0] == {"_row": 2, "first_name": "Jane", "last_name": "Doe",
                                 "email": "jane@acme.io"}
    assert [(e.row, e.column) for e in result.errors] == [(3, "Email"), (5, "Email")]
    assert all("is not a valid email address" in e.reason for e in result.errors)


def test_contacts_full_name_is_split_when_first_name_is_missing():
    text = ('First Name,Last Name,Name,Email\n,,Jane Doe,j@x.io\n,,"Smith, John",s@x.io\n'
            ",,Cher,c@x.io\n,Beethoven,Ludwig van,l@x.io\nAnn,Lee,Someone Else,a@x.io\n"
            ",,,nobody@x.io\n")
    frame = read_csv_bytes(text.encode())
    result = validate_rows(frame, guess_mapping(list(frame.columns), CONTACT_FIELDS),
                           CONTACT_FIELDS)
    names = [(r["first_name"], r["last_name"]) for r in result.records]
    assert names == [("Jane", "Doe"), ("John", "Smith"), ("Cher", None),
                     ("Ludwig", "Beethoven"), ("Ann", "Lee")]
    assert all("name" not in r for r in result.records)
    assert result.errors == [RowError(7, "First Name", "First name or Full name is required")]


def test_contacts_with_only_a_full_name_column():
    frame = read_csv_bytes(b"Full Name,Company Website,Phone\nJane Q Doe,www.acme.io,+49 30 123456\n"
                           b"Bob,acme.io,call me\n")
    result = validate_rows(frame, guess_mapping(list(frame.columns), CONTACT_FIELDS),
                           CONTACT_FIELDS)
    assert result.records == [{"_row": 2, "company_domain": "acme.io", "phone": "+49 30 123456",
                               "first_name": "Jane", "last_name": "Q Doe"}]
    assert result.errors == [RowError(3, "Phone", "'call me' is not a phone number")]


def test_validating_100k_rows_keeps_every_row():
    """Vectorised validation on 100,000 rows (its speed is bench/bench_companies.py's
    business, not a test's: timed assertions flake on shared machines)."""
    n = 100_000
    frame = pd.DataFrame({
        "Company": [f"Company {i}" for i in range(n)],
        "Website": [f"https://www.company{i}.com/" for i in range(n)],
        "Employees": [f"{i % 5000:,}" for i in range(n)],
        "Revenue": [f"{i * 7},{i % 100:02d}" if i % 2 else f"{i * 1000:,}.50" for i in range(n)],
        "Country": ["Germany", "US", "fra", "UK"] * (n // 4),
        "Tech": ["AWS; dbt", "GCP|Snowflake"] * (n // 2),
        "Owner": ["al@example.com", "bo@example.com"] * (n // 2),
    })
    data = frame.to_csv(index=False).encode("utf-8-sig")
    table = read_csv_bytes(data)
    result = validate_rows(table, guess_mapping(list(table.columns), COMPANY_FIELDS),
                           COMPANY_FIELDS)
    assert len(result.records) == n and not result.errors
    assert result.records[-1]["annual_revenue"] == Decimal(f"{(n - 1) * 7}.99")


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
