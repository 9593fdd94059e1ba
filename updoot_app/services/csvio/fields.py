"""The importable fields of companies and contacts, with the synonyms that guess the mapping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd


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

    fields: tuple[Field, ...]
    one_of: tuple[tuple[str, ...], ...] = ()
    finalise: Callable[[dict[str, pd.Series]], dict[str, pd.Series]] | None = None

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

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
    first = _values_or_nones(columns.get("first_name"), len(full))
    last = _values_or_nones(columns.get("last_name"), len(full))
    names = full.to_numpy(dtype=object)
    for position in np.flatnonzero(full.notna().to_numpy() & pd.isna(first)):
        given, family = _split_name(names[position])
        first[position] = given
        if last[position] is None and family:
            last[position] = family
    columns["first_name"] = pd.Series(first, index=full.index, dtype=object)
    columns["last_name"] = pd.Series(last, index=full.index, dtype=object)
    return columns


def _values_or_nones(column: pd.Series | None, size: int) -> np.ndarray:
    """A writable object array of the column, or of None where the column is not mapped."""
    if column is None:
        return np.full(size, None, dtype=object)
    return column.to_numpy(dtype=object).copy()


def _split_name(full: str) -> tuple[str, str | None]:
    if "," in full:
        family, _, given = full.partition(",")
        if given.strip() and family.strip():
            return given.strip(), family.strip()
    parts = full.split(None, 1)
    return parts[0], (parts[1] if len(parts) > 1 else None)


CONTACT_FIELDS = FieldSet(
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
