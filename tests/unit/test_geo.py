"""Countries and regions (updoot_app.services.platform.geo)."""

from collections import Counter

import pycountry
import pytest

from updoot_app.services.platform import geo
from updoot_app.services.platform.geo import REGIONS, expand_geography, normalise_country

ALL_CODES = {country.alpha_2 for country in pycountry.countries}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        (" fr ", "FR"),
        ("DEU", "DE"),
        ("usa", "US"),
        ("United States", "US"),
        ("united kingdom", "GB"),
        ("UK", "GB"),
        ("Germany", "DE"),
        ("South Korea", "KR"),
        ("Vietnam", "VN"),
        ("Viet Nam", "VN"),
        ("Cote d'Ivoire", "CI"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Czech Republic", "CZ"),
        ("Russia", "RU"),
        ("NA", "NA"),  # Namibia, a code
    ],
)
def test_normalise_country_accepts_codes_and_names(value, expected):
    assert normalise_country(value) == expected


@pytest.mark.parametrize("value", ["", "   ", "Narnia", "XX", "ZZZ", None, 42])
def test_normalise_country_returns_none_for_unknown(value):
    assert normalise_country(value) is None


def test_every_pycountry_country_has_exactly_one_continent():
    listed = [code for _, codes in geo.SUBREGIONS.values() for code in codes]
    duplicates = [code for code, count in Counter(listed).items() if count > 1]
    assert duplicates == []
    assert set(listed) == ALL_CODES
    assert set(geo.CONTINENT_OF) == ALL_CODES


@pytest.mark.parametrize(
    ("code", "continent"),
    [
        ("DE", "Europe"),
        ("RU", "Europe"),
        ("CY", "Europe"),
        ("IS", "Europe"),
        ("TR", "Asia"),
        ("JP", "Asia"),
        ("IL", "Asia"),
        ("KZ", "Asia"),
        ("EG", "Africa"),
        ("ZA", "Africa"),
        ("RE", "Africa"),
        ("US", "North America"),
        ("MX", "North America"),
        ("JM", "North America"),
        ("PA", "North America"),
        ("GL", "North America"),
        ("BR", "South America"),
        ("FK", "South America"),
        ("AU", "Oceania"),
        ("NZ", "Oceania"),
        ("FJ", "Oceania"),
        ("GU", "Oceania"),
        ("AQ", "Antarctica"),
    ],
)
def test_continent_of_known_countries(code, continent):
    assert geo.CONTINENT_OF[code] == continent


def test_europe_contains_germany_and_france_not_japan():
    europe = expand_geography(["Europe"])
    assert {"DE", "FR", "GB", "PL"} <= europe
    assert "JP" not in europe and "US" not in europe


def test_north_america_contains_us_canada_mexico():
    assert {"US", "CA", "MX"} <= expand_geography(["North America"])
    assert "BR" not in expand_geography(["North America"])


def test_latin_america_excludes_us_and_canada():
    latam = expand_geography(["Latin America"])
    assert {"MX", "BR", "AR", "CO", "CU"} <= latam
    assert not {"US", "CA"} & latam
    assert expand_geography(["latam"]) == latam


def test_south_america():
    assert expand_geography(["South America"]) == {
        "AR",
        "BO",
        "BV",
        "BR",
        "CL",
        "CO",
        "EC",
        "FK",
        "GF",
        "GS",
        "GY",
        "PY",
        "PE",
        "SR",
        "UY",
        "VE",
    }


def test_eu_has_27_members():
    eu = expand_geography(["EU"])
    assert len(eu) == 27
    assert {"DE", "FR", "IE", "CY", "MT", "HR"} <= eu
    assert not {"GB", "CH", "NO"} & eu


def test_small_named_regions():
    assert expand_geography(["DACH"]) == {"DE", "AT", "CH"}
    assert {"DK", "FI", "IS", "NO", "SE"} <= expand_geography(["Nordics"])
    assert {"GB", "IE"} <= expand_geography(["UK & Ireland"])
    assert "FR" not in expand_geography(["UK & Ireland"])


def test_asia_apac_middle_east_emea():
    asia = expand_geography(["Asia"])
    assert {"CN", "JP", "IN", "SG", "SA"} <= asia
    apac = expand_geography(["APAC"])
    assert {"CN", "JP", "IN", "SG", "AU", "NZ"} <= apac
    assert not {"SA", "AE", "IR", "DE"} & apac
    middle_east = expand_geography(["Middle East"])
    assert {"AE", "SA", "IL", "EG", "TR"} <= middle_east
    emea = expand_geography(["EMEA"])
    assert {"DE", "GB", "ZA", "NG", "AE", "SA"} <= emea
    assert not {"US", "JP", "BR"} & emea


def test_africa_and_oceania():
    assert {"NG", "KE", "ZA", "EG", "MA"} <= expand_geography(["Africa"])
    assert {"AU", "NZ", "PG", "FJ"} <= expand_geography(["Oceania"])


def test_continents_partition_the_world():
    continents = ["Europe", "Asia", "Africa", "North America", "South America", "Oceania"]
    sets = [expand_geography([name]) for name in continents]
    assert sum(len(s) for s in sets) == len(set().union(*sets))
    assert set().union(*sets) == ALL_CODES - {"AQ"}


def test_region_names_are_case_insensitive():
    assert expand_geography(["north america"]) == expand_geography(["North America"])
    assert expand_geography(["  EUROPE "]) == expand_geography(["Europe"])
    assert expand_geography(["dach"]) == {"DE", "AT", "CH"}


def test_regions_and_countries_mix():
    codes = expand_geography(["DACH", "fr", "Japan"])
    assert codes == {"DE", "AT", "CH", "FR", "JP"}
    assert expand_geography([]) == set()


def test_unknown_value_raises_naming_it():
    with pytest.raises(ValueError, match="Atlantis"):
        expand_geography(["Europe", "Atlantis"])


def test_every_region_is_listed_and_expands_to_real_countries():
    assert {
        "North America",
        "Latin America",
        "South America",
        "Europe",
        "EU",
        "DACH",
        "Nordics",
        "UK & Ireland",
        "Asia",
        "APAC",
        "Middle East",
        "Africa",
        "Oceania",
        "EMEA",
    } <= set(REGIONS)
    for name in REGIONS:
        codes = expand_geography([name])
        assert codes and codes <= ALL_CODES, name
