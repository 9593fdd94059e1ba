"""Matching CSV headers to fields: the guess the user confirms, and the checks on it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from updoot_app.services.csvio.fields import FieldSet


class MappingError(ValueError):
    """The column mapping is unusable (required field unmapped, field mapped twice...)."""


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
