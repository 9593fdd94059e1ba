"""CSV import column mapping and row validation (csvio.mapping, csvio.row_validation)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from updoot_app.services.csvio.cell_parsers import parse_decimal
from updoot_app.services.csvio.fields import COMPANY_FIELDS, CONTACT_FIELDS
from updoot_app.services.csvio.mapping import MappingError, check_mapping, guess_mapping
from updoot_app.services.csvio.reading import read_csv_bytes
from updoot_app.services.csvio.row_validation import RowError, validate_rows


def companies(text: str, mapping: dict[str, str | None] | None = None):
    frame = read_csv_bytes(text.encode("utf-8"))
    mapping = mapping or guess_mapping(list(frame.columns), COMPANY_FIELDS)
    return validate_rows(frame, mapping, COMPANY_FIELDS)


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
