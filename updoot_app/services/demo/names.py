"""Names for the demo's companies, people and sales team: pools to draw from.

Plain data and a few pure helpers, no I/O. Company names are built from a word
and an industry word ("Northwind Capital"), with the legal form usual in the
company's country ("GmbH" in Germany, "KK" in Japan). People come from a mixed
pool of first and last names, so a pipeline reads like a real one. Emails use
the companies' own domains, under the reserved ``.example`` top-level domain
(RFC 2606), and the seeded team's under ``example.com``: none can reach anyone.
"""

from __future__ import annotations

import random
import unicodedata

NAME_WORDS = (
    "Northwind", "Bluecrest", "Ironbridge", "Silverline", "Brightwater", "Clearpath",
    "Redwood", "Harborview", "Summitry", "Evergreen", "Granite", "Lumen", "Polaris",
    "Westfield", "Oakridge", "Stonegate", "Riverbend", "Highland", "Cobalt", "Meridian",
    "Sterling", "Tidewater", "Foxglove", "Kestrel", "Larkspur", "Bayside", "Copperleaf",
    "Driftwood", "Elmstead", "Fairhaven", "Goldcrest", "Hawthorne", "Juniper", "Keystone",
    "Lakeshore", "Maplewood", "Norbridge", "Orchard", "Pinecrest", "Quarry", "Rosewood",
    "Saltmarsh", "Thornbury", "Upland", "Vantage", "Wrenfield", "Yarrow", "Zephyr",
    "Alder", "Birchwood", "Cedar Point", "Dunmore", "Eastgate", "Fernhill", "Glenmoor",
)

INDUSTRY_WORDS = {
    "Technology": ("Labs", "Software", "Systems", "Cloud", "Analytics", "Digital", "Networks"),
    "Financial Services": ("Capital", "Bank", "Payments", "Insurance", "Finance",
                           "Asset Management", "Credit Union"),
    "Healthcare": ("Health", "Medical", "Clinics", "Care", "Diagnostics", "Pharma"),
    "Manufacturing": ("Industries", "Manufacturing", "Robotics", "Components", "Works",
                      "Precision"),
    "Retail": ("Retail", "Stores", "Outfitters", "Market", "Home Goods", "Apparel"),
    "Education": ("Academy", "Learning", "College", "School District", "Institute"),
    "Logistics": ("Logistics", "Freight", "Shipping", "Transport", "Supply"),
    "Energy": ("Energy", "Power", "Renewables", "Utilities", "Solar"),
    "Media": ("Media", "Studios", "Publishing", "Broadcasting", "News"),
    "Government": ("County", "Transit Authority", "Port Authority", "Water District",
                   "Housing Agency", "City Council"),
}

# The usual legal form by country (none for public bodies).
LEGAL_FORMS = {
    "US": ("Inc.", "LLC", "Corp."), "CA": ("Inc.", "Ltd."), "MX": ("S.A. de C.V.",),
    "GB": ("Ltd", "plc"), "IE": ("Ltd",), "DE": ("GmbH", "AG"), "CH": ("AG", "GmbH"),
    "AT": ("GmbH",), "FR": ("SA", "SAS"), "NL": ("B.V.",), "BE": ("NV", "SA"),
    "SE": ("AB",), "DK": ("A/S",), "NO": ("AS",), "FI": ("Oy",), "ES": ("S.L.", "S.A."),
    "IT": ("S.p.A.", "S.r.l."), "PL": ("Sp. z o.o.",), "JP": ("K.K.",), "BR": ("Ltda.",),
    "IN": ("Pvt. Ltd.",), "AU": ("Pty Ltd",), "SG": ("Pte. Ltd.",), "KR": ("Co., Ltd.",),
    "ZA": ("(Pty) Ltd",), "AE": ("LLC",), "AR": ("S.A.",), "NZ": ("Ltd",),
}

FIRST_NAMES = (
    "Sarah", "James", "Priya", "Lukas", "Maria", "Wei", "Olivia", "Ahmed", "Sofia", "Noah",
    "Emma", "Kenji", "Fatima", "Liam", "Ana", "Mateo", "Ingrid", "Omar", "Chloe", "Diego",
    "Hannah", "Ravi", "Elena", "Tomasz", "Aisha", "Lars", "Camille", "Daniel", "Yuki",
    "Grace", "Marco", "Amara", "Jonas", "Leila", "Patrick", "Mei", "Samuel", "Zoe",
    "Andrei", "Nadia", "Felix", "Isabel", "Kwame", "Rachel", "Hugo", "Anika",
)
LAST_NAMES = (
    "Miller", "Schmidt", "Patel", "Dubois", "Garcia", "Wang", "Johansson", "Rossi",
    "Kowalski", "Nguyen", "Smith", "Tanaka", "Silva", "Brown", "Okafor", "Murphy",
    "Fischer", "Haddad", "Moreau", "Larsen", "Novak", "Kim", "Andersen", "Costa",
    "Becker", "O'Brien", "Yamamoto", "Mensah", "Hughes", "Varga", "Lindqvist", "Reyes",
    "Weber", "Sato", "Chen", "Kaur", "Bianchi", "Walsh", "Ivanova", "Mendes",
)

# The demo workspace's sales team: the people who own its companies and deals.
TEAM = (
    ("Maya", "Chen"), ("Daniel", "Okafor"), ("Sofia", "Lindqvist"), ("Marcus", "Reid"),
    ("Priya", "Raman"), ("Tom", "Becker"), ("Elena", "Castillo"), ("Jonah", "Weiss"),
)
TEAM_EMAIL_DOMAIN = "example.com"


def ascii_slug(text: str, sep: str = "") -> str:
    """Lower-case ASCII letters and digits of ``text`` ("O'Brien" -> "obrien")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = ["".join(ch for ch in word if ch.isalnum()) for word in plain.lower().split()]
    return sep.join(w for w in words if w)


def company_name(rng: random.Random, industry: str | None, country: str | None,
                 taken: set[str]) -> tuple[str, str]:
    """A company name not in ``taken`` and its short form (without the legal form),
    e.g. ("Northwind Capital GmbH", "Northwind Capital")."""
    words = INDUSTRY_WORDS.get(industry or "", INDUSTRY_WORDS["Technology"])
    short = ""
    for attempt in range(40):
        short = f"{rng.choice(NAME_WORDS)} {rng.choice(words)}"
        if attempt >= 20:  # a very large demo: the pools run out of pairs
            short = f"{short} {attempt}"
        if short not in taken:
            break
    taken.add(short)
    if industry == "Government":
        return short, short
    form = rng.choice(LEGAL_FORMS.get(country or "", ("Inc.",)))
    return f"{short} {form}", short


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def person_email(first: str, last: str, domain: str) -> str:
    return f"{ascii_slug(first)}.{ascii_slug(last)}@{domain}"
