"""Countries and sales regions.

Countries come from ``pycountry`` (ISO 3166-1). Regions are kept here as data:
pycountry has no continent information, so the continent of every country is a
hand-kept table grouped by the UN M49 sub-regions, with two business-minded
choices: the Americas are split into North America (Northern America, Central
America and the Caribbean) and South America, and Cyprus, an EU member, is
placed in Europe. Transcontinental Russia is in Europe; Türkiye, the Caucasus
and Kazakhstan are in Asia; Egypt is in Africa (and also in the Middle East).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import pycountry

# Sub-region -> (continent, member codes). Every pycountry country appears once.
SUBREGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    name: (continent, tuple(codes.split()))
    for name, continent, codes in [
        ("Northern Africa", "Africa", "DZ EG LY MA SD TN EH"),
        (
            "Eastern Africa",
            "Africa",
            "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW",
        ),
        ("Middle Africa", "Africa", "AO CM CF TD CG CD GQ GA ST"),
        ("Southern Africa", "Africa", "BW SZ LS NA ZA"),
        ("Western Africa", "Africa", "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG"),
        (
            "Caribbean",
            "North America",
            "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI",
        ),
        ("Central America", "North America", "BZ CR SV GT HN MX NI PA"),
        ("Northern America", "North America", "BM CA GL PM US"),
        ("South America", "South America", "AR BO BV BR CL CO EC FK GF GS GY PY PE SR UY VE"),
        ("Central Asia", "Asia", "KZ KG TJ TM UZ"),
        ("Eastern Asia", "Asia", "CN HK MO KP JP MN KR TW"),
        ("South-eastern Asia", "Asia", "BN KH ID LA MY MM PH SG TH TL VN"),
        ("Southern Asia", "Asia", "AF BD BT IN IR MV NP PK LK"),
        ("Western Asia", "Asia", "AM AZ BH GE IQ IL JO KW LB OM QA SA PS SY TR AE YE"),
        ("Eastern Europe", "Europe", "BY BG CZ HU PL MD RO RU SK UA"),
        ("Northern Europe", "Europe", "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB"),
        ("Southern Europe", "Europe", "AL AD BA HR CY GI GR VA IT MT ME MK PT SM RS SI ES"),
        ("Western Europe", "Europe", "AT BE FR DE LI LU MC NL CH"),
        ("Australia and New Zealand", "Oceania", "AU CX CC HM NZ NF"),
        ("Melanesia", "Oceania", "FJ NC PG SB VU"),
        ("Micronesia", "Oceania", "GU KI MH FM NR MP PW UM"),
        ("Polynesia", "Oceania", "AS CK PF NU PN WS TK TO TV WF"),
        ("Antarctica", "Antarctica", "AQ"),
    ]
}

CONTINENT_OF: dict[str, str] = {
    code: continent for continent, codes in SUBREGIONS.values() for code in codes
}


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _subregions(*names: str) -> frozenset[str]:
    return frozenset(code for name in names for code in SUBREGIONS[name][1])


def _continent(name: str) -> frozenset[str]:
    return frozenset(code for code, cont in CONTINENT_OF.items() if cont == name)


_EUROPE = _continent("Europe")
_AFRICA = _continent("Africa")
_ASIA = _continent("Asia")
_OCEANIA = _continent("Oceania")
_NORTH_AMERICA = _continent("North America")
_SOUTH_AMERICA = _continent("South America")
_MIDDLE_EAST = _codes("AE BH EG IL IQ IR JO KW LB OM PS QA SA SY TR YE")

# Canonical region name -> alpha-2 codes. Regions may overlap (EG is in Africa
# and the Middle East, MX in North and Latin America).
REGION_COUNTRIES: dict[str, frozenset[str]] = {
    "North America": _NORTH_AMERICA,
    "Latin America": (_NORTH_AMERICA | _SOUTH_AMERICA) - _subregions("Northern America"),
    "South America": _SOUTH_AMERICA,
    "Americas": _NORTH_AMERICA | _SOUTH_AMERICA,
    "Europe": _EUROPE,
    "EU": _codes(
        "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
    ),
    "DACH": _codes("DE AT CH"),
    "Benelux": _codes("BE NL LU"),
    "Nordics": _codes("DK FI IS NO SE FO GL AX"),
    "UK & Ireland": _codes("GB IE IM JE GG"),
    "Asia": _ASIA,
    "APAC": _subregions("Eastern Asia", "South-eastern Asia", "Southern Asia") - {"IR"} | _OCEANIA,
    "Middle East": _MIDDLE_EAST,
    "Africa": _AFRICA,
    "Oceania": _OCEANIA,
    "EMEA": _EUROPE | _AFRICA | _MIDDLE_EAST | _subregions("Western Asia"),
}

REGIONS: list[str] = list(REGION_COUNTRIES)

_REGION_ALIASES = {
    "latam": "Latin America",
    "the americas": "Americas",
    "european union": "EU",
    "nordic countries": "Nordics",
    "nordic": "Nordics",
    "uk and ireland": "UK & Ireland",
    "uk&i": "UK & Ireland",
    "asia pacific": "APAC",
    "asia-pacific": "APAC",
    "mena": "Middle East",
    "europe, middle east and africa": "EMEA",
}

_COUNTRY_ALIASES = {
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "america": "US",
    "russia": "RU",
    "korea": "KR",
    "czech republic": "CZ",
    "turkey": "TR",
    "ivory coast": "CI",
    "macedonia": "MK",
    "vatican": "VA",
    "vatican city": "VA",
    "holy see": "VA",
    "holland": "NL",
    "the netherlands": "NL",
    "cape verde": "CV",
    "swaziland": "SZ",
    "burma": "MM",
    "palestine": "PS",
    "micronesia": "FM",
    "brunei": "BN",
    "macau": "MO",
    "uae": "AE",
    "drc": "CD",
    "dr congo": "CD",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
    "congo-brazzaville": "CG",
    "congo-kinshasa": "CD",
    "east timor": "TL",
    "south korea": "KR",
    "north korea": "KP",
}


def _key(value: str) -> str:
    """Lookup key: trimmed, case-folded, accents removed, inner spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", value.strip().casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.split())


@lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                index.setdefault(_key(name), country.alpha_2)
    for alias, code in _COUNTRY_ALIASES.items():
        index.setdefault(_key(alias), code)
    for country in pycountry.countries:  # codes win over names
        index[_key(country.alpha_2)] = country.alpha_2
        index[_key(country.alpha_3)] = country.alpha_2
    return index


@lru_cache(maxsize=1)
def _region_index() -> dict[str, str]:
    index = {_key(name): name for name in REGION_COUNTRIES}
    index.update({_key(alias): name for alias, name in _REGION_ALIASES.items()})
    return index


def normalise_country(value: str) -> str | None:
    """ISO alpha-2 code for an alpha-2, alpha-3 or English name; None if unknown."""
    if not isinstance(value, str):
        return None
    return _country_index().get(_key(value))


def region_name(value: str) -> str | None:
    """Canonical region name for ``value`` (case-insensitive), or None."""
    if not isinstance(value, str):
        return None
    return _region_index().get(_key(value))


def expand_geography(values: Iterable[str]) -> set[str]:
    """Union of the alpha-2 codes named by regions and countries in ``values``.

    Region names are tried first, so "EU" is the European Union, while "NA" is
    Namibia. Raises ValueError naming the first value that is neither.
    """
    codes: set[str] = set()
    for value in values:
        region = region_name(value)
        if region is not None:
            codes |= REGION_COUNTRIES[region]
            continue
        country = normalise_country(value)
        if country is None:
            raise ValueError(f"Unknown country or region: {value!r}")
        codes.add(country)
    return codes
