"""An ICP draft learned from your best customers: which companies are "best", what
sets them apart from the rest, and the draft that says so.

- ``pick_best``: the companies with a won deal (the default), the top N by won
  revenue or by paid invoices, or those carrying a tag.
- ``suggest``: every attribute compared between the best and the rest
  (``icp_attributes``: shares, n, a lift shrunk toward the base rate), then a
  draft in the shape of ``POST /api/v1/icps`` (and the wizard's
  ``wizard_draft.draft_from_payload``): value sets whose lift is at least
  ``LIFT_MIN`` and whose shrunk share is ``MIN_GAIN`` above the rest's, among at
  least ``MIN_SUPPORT`` best customers, size and revenue
  ranges from the best's 10th to 90th percentile rounded out to band edges,
  weights in proportion to each criterion's evidence (shrunk best share minus
  rest share) summing to 100. Attributes known for fewer than ``MIN_N``
  companies on either side are listed as not enough data, never guessed.
  Fewer than ``MIN_BEST`` best customers: nothing is proposed, and the answer
  says why.

Order-independent (values are sorted, ties broken by value) and vectorised. Pure:
no I/O; the reads are in ``icp_history``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from updoot_app.services.kpis import icp_attributes as attrs
from updoot_app.services.kpis.calibration import MIN_N, PRIOR_STRENGTH, round_to, shrink
from updoot_app.services.platform.geo import CONTINENT_OF
from updoot_app.services.profiles.scoring_model import FIELDS, bound_payload

MIN_BEST = 5
MIN_SUPPORT = 3
LIFT_MIN = 1.3
MIN_GAIN = 0.05  # the shrunk best share at least 5 points above the rest's
MAX_VALUES = 8
EVIDENCE_PER_ATTRIBUTE = 8
PERCENTILES = (10, 90)
RANGES = {"employee_range": ("employees", "employees"),
          "revenue_range": ("annual_revenue", "annual revenue")}
BEST_MODES = ("won", "top_revenue", "top_paid", "tag")
BEST_LABELS = {"won": "companies with a won deal", "top_revenue": "top companies by won revenue",
               "top_paid": "top companies by paid invoices", "tag": "companies tagged"}
SUFFIX = {"employee_band": " employees", "revenue_band": " annual revenue",
          "employee_range": " employees", "revenue_range": " annual revenue",
          "tech_stack": " (tech stack)", "triggers": " (trigger)", "tags": " (tag)"}
NO_BEST = ("No best customers yet. Mark the deals you win as Won on the pipeline (or record "
           "paid invoices, or tag your best customers); with five or more, Updoot shows what "
           "they have in common and proposes an ICP.")


# --------------------------------------------------------------------------- who is best


def _top(ids: np.ndarray, by_company: pd.Series, top: int) -> np.ndarray:
    """The ``top`` companies by amount (more than zero), ties by the lower id."""
    table = pd.DataFrame({"company_id": by_company.index.to_numpy(),
                          "amount": by_company.to_numpy(dtype=np.float64)})
    table = table[table["amount"] > 0].sort_values(["amount", "company_id"],
                                                   ascending=[False, True])
    return np.isin(ids, table["company_id"].head(top).to_numpy())


def pick_best(companies: pd.DataFrame, deals: pd.DataFrame, *, mode: str = "won",
              top: int = 20, tag: str = "", paid: pd.DataFrame | None = None) -> np.ndarray:
    """Bool per company row. ``deals``: company_id, won, value; ``paid``: company_id, amount."""
    ids = companies["id"].to_numpy()
    won = deals[deals["won"].astype(bool)]
    if mode == "won":
        return np.isin(ids, won["company_id"].to_numpy())
    if mode == "top_revenue":
        return _top(ids, won.groupby("company_id")["value"].sum(), top)
    if mode == "top_paid":
        paid = paid if paid is not None else pd.DataFrame({"company_id": [], "amount": []})
        return _top(ids, paid.groupby("company_id")["amount"].sum(), top)
    if mode == "tag":
        key = tag.strip().casefold()
        exploded = companies["tags"].explode()
        hit = (exploded.str.strip().str.casefold() == key).to_numpy(dtype=bool)
        rows = np.unique(exploded.index[hit])
        return companies.index.isin(rows)
    raise ValueError(mode)


# --------------------------------------------------------------------------- evidence rows


def _pct(share: float) -> str:
    return f"{round(100 * share)}"


def evidence_row(attribute: str, value: str, k_best: int, n_best: int, k_rest: int,
                 n_rest: int, proposed: bool = False) -> dict:
    field = (attrs.ATTRIBUTES | RANGES)[attribute][0]
    lift = float(attrs.lift(k_best, n_best, k_rest, n_rest))
    best_share = k_best / n_best if n_best else 0.0
    rest_share = k_rest / n_rest if n_rest else 0.0
    name = value + SUFFIX.get(attribute, "")
    return {
        "field": field, "attribute": attribute, "value": value,
        "best_share": round(best_share, 3), "rest_share": round(rest_share, 3),
        "lift": round(lift, 2), "n_best": n_best, "n_rest": n_rest,
        "k_best": int(k_best), "k_rest": int(k_rest), "proposed": proposed,
        "line": (f"{name}: {k_best} of {n_best} best customers ({_pct(best_share)} %) vs "
                 f"{_pct(rest_share)} % of the rest, lift {lift:.1f}"),
    }


def _ranked(c: attrs.Counts) -> np.ndarray:
    """Codes held by at least ``MIN_SUPPORT`` best customers, the strongest evidence
    first: the shrunk best share minus the base rate, so that a value one or two
    customers share (a huge ratio over a tiny base) does not top the list. Ties:
    more best customers, then the value."""
    base = attrs.rest_share(c.k_rest, c.n_rest)
    gain = shrink(c.k_best.astype(np.float64), c.n_best, base, PRIOR_STRENGTH) - base
    seen = np.flatnonzero(c.k_best >= MIN_SUPPORT)
    return seen[np.lexsort((np.array(c.labels, dtype=object)[seen].astype(str),
                            -c.k_best[seen], -np.round(gain[seen], 12)))]


def _strong(c: attrs.Counts) -> list[int]:
    lifts = attrs.lift(c.k_best, c.n_best, c.k_rest, c.n_rest)
    base = attrs.rest_share(c.k_rest, c.n_rest)
    gain = shrink(c.k_best.astype(np.float64), c.n_best, base, PRIOR_STRENGTH) - base
    return [int(i) for i in _ranked(c)
            if lifts[i] >= LIFT_MIN and gain[i] >= MIN_GAIN][:MAX_VALUES]


def _rows_of(attribute: str, c: attrs.Counts, proposed: set[int]) -> list[dict]:
    ranked = [int(i) for i in _ranked(c)]
    chosen = [i for i in ranked if i in proposed]
    chosen += [i for i in ranked if i not in proposed][:max(0, EVIDENCE_PER_ATTRIBUTE
                                                            - len(chosen))]
    return [evidence_row(attribute, c.labels[i], int(c.k_best[i]), c.n_best,
                         int(c.k_rest[i]), c.n_rest, i in proposed) for i in chosen]


# --------------------------------------------------------------------------- criteria


def _strength(matched: np.ndarray, known: np.ndarray, best: np.ndarray) -> tuple:
    """(k_best, n_best, k_rest, n_rest, evidence) of companies matching a criterion."""
    kb, nb = int((matched & best).sum()), int((known & best).sum())
    kr, nr = int((matched & ~best).sum()), int((known & ~best).sum())
    base = float(attrs.rest_share(kr, nr))
    evidence = float(shrink(kb, nb, base, PRIOR_STRENGTH)) - base
    return kb, nb, kr, nr, evidence


def _rows_matching(coded: attrs.Coded, codes: list[int], n: int) -> np.ndarray:
    matched = np.zeros(n, dtype=bool)
    matched[coded.rows[np.isin(coded.codes, codes)]] = True
    return matched


def _range(values: np.ndarray, best: np.ndarray, edges: tuple) -> tuple:
    """The best's 10th–90th percentile rounded out to band edges; None for no bound."""
    low, high = np.percentile(values[best & ~np.isnan(values)], PERCENTILES)
    edge = np.asarray(edges, dtype=np.float64)
    lo = edge[np.searchsorted(edge, low, side="right") - 1]
    hi_at = np.searchsorted(edge, high, side="left")
    hi = edge[hi_at] if hi_at < len(edge) else None
    return (None if lo <= 0 else lo), hi


def _range_criterion(field: str, values: np.ndarray, best: np.ndarray, edges: tuple):
    lo, hi = _range(values, best, edges)
    if lo is None and hi is None:
        return None
    known = ~np.isnan(values)
    inside = known & (values >= (lo if lo is not None else -np.inf)) & \
        (values <= (hi if hi is not None else np.inf))
    kb, nb, kr, nr, evidence = _strength(inside, known, best)
    money = field == "annual_revenue"
    shown = (f"{attrs.short_number(lo, money)}–{attrs.short_number(hi, money)}"
             if lo is not None and hi is not None else
             f"at least {attrs.short_number(lo, money)}" if lo is not None else
             f"at most {attrs.short_number(hi, money)}")
    row = evidence_row("revenue_range" if money else "employee_range", shown, kb, nb, kr, nr)
    criterion = {"field": field}
    if lo is not None:
        criterion["min"] = bound_payload(field, int(lo) if not money else lo)
    if hi is not None:
        criterion["max"] = bound_payload(field, int(hi) if not money else hi)
    return criterion, evidence, row


# --------------------------------------------------------------------------- the suggestion


def _coded(companies: pd.DataFrame, exclude_tag: str) -> tuple[dict, attrs.Countries]:
    countries = attrs.countries_of(companies["country"])
    return {
        "industry": attrs.text_values(companies["industry"]),
        "employee_band": attrs.band_values(attrs.numbers(companies["employees"]),
                                           attrs.EMPLOYEE_EDGES, money=False),
        "revenue_band": attrs.band_values(attrs.numbers(companies["annual_revenue"]),
                                          attrs.REVENUE_EDGES, money=True),
        "region": attrs.region_values(countries),
        "country": attrs.country_values(countries),
        "tech_stack": attrs.list_values(companies["tech_stack"]),
        "triggers": attrs.list_values(companies["triggers"]),
        # the tag that defines "best" says nothing about them
        "tags": attrs.list_values(companies["tags"], exclude=exclude_tag),
    }, countries


def _answer(status: str, message: str, n_best: int, n_rest: int, **more) -> dict:
    return {"status": status, "message": message, "best_count": n_best, "rest_count": n_rest,
            "draft": None, "evidence": [], "reasons": [], "not_enough_data": []} | more


def suggest(companies: pd.DataFrame, best: np.ndarray, *, name: str = "Like our best customers",
            exclude_tag: str = "") -> dict:
    """The evidence and the draft (see the module docstring); ``best``: bool per row."""
    best = np.asarray(best, dtype=bool).copy()
    companies = companies.reset_index(drop=True)  # positions are row numbers below
    n = len(companies)
    n_best, n_rest = int(best.sum()), n - int(best.sum())
    if n_best == 0:
        return _answer("none", NO_BEST, 0, n_rest)
    if n_best < MIN_BEST:
        return _answer("too_few", f"Only {n_best} best customer{'s' if n_best > 1 else ''}: "
                       f"at least {MIN_BEST} are needed before a pattern means anything, so "
                       "nothing is proposed yet.", n_best, n_rest)
    coded, countries = _coded(companies, exclude_tag)
    counts = {a: attrs.count(c, best) for a, c in coded.items()}
    thin = {a for a, c in counts.items() if c.n_best < MIN_N or c.n_rest < MIN_N}
    not_enough = [{"field": attrs.ATTRIBUTES[a][0], "attribute": a,
                   "label": attrs.ATTRIBUTES[a][1], "n_best": counts[a].n_best,
                   "n_rest": counts[a].n_rest} for a in counts if a in thin]
    proposed: dict[str, set[int]] = {a: set() for a in counts}
    found: dict[str, tuple] = {}  # criterion field -> (criterion, evidence, row)
    for a in ("industry", "tech_stack", "triggers", "tags"):
        if a not in thin and (codes := _strong(counts[a])):
            proposed[a] = set(codes)
            matched = _rows_matching(coded[a], codes, n)
            kb, nb, kr, nr, ev = _strength(matched, coded[a].known, best)
            values = [counts[a].labels[i] for i in codes]
            row = evidence_row(a, ", ".join(values), kb, nb, kr, nr)
            found[attrs.ATTRIBUTES[a][0]] = ({"field": a, "values": values}, ev, row)
    if "region" not in thin:
        regions = _strong(counts["region"])
        chosen = {counts["region"].labels[i] for i in regions}
        countries_ = [i for i in _strong(counts["country"])
                      if CONTINENT_OF.get(counts["country"].labels[i]) not in chosen]
        if regions or countries_:
            proposed["region"], proposed["country"] = set(regions), set(countries_)
            values = sorted(chosen) + [counts["country"].labels[i] for i in countries_]
            allowed = set(values) | {c for c, r in CONTINENT_OF.items() if r in chosen}
            known = coded["country"].known
            matched = np.append(pd.Series(countries.alpha2, dtype=object).isin(allowed)
                                .to_numpy(), [False])[countries.codes]
            kb, nb, kr, nr, ev = _strength(matched, known, best)
            row = evidence_row("region", ", ".join(values), kb, nb, kr, nr)
            found["geography"] = ({"field": "geography", "values": values}, ev, row)
    for a, fld, edges in (("employee_band", "employees", attrs.EMPLOYEE_EDGES),
                          ("revenue_band", "annual_revenue", attrs.REVENUE_EDGES)):
        if a not in thin:
            made = _range_criterion(fld, attrs.numbers(companies[fld]), best, edges)
            if made and made[2]["lift"] >= LIFT_MIN and made[1] >= MIN_GAIN:
                found[fld] = made
    evidence = [row for a in counts if a not in thin
                for row in _rows_of(a, counts[a], proposed[a])]
    draft, reasons = _draft(name, found)
    if draft is None:
        return _answer("no_pattern", "Your best customers do not differ clearly from the "
                       "rest on any attribute Updoot has: nothing is proposed.", n_best,
                       n_rest, evidence=evidence, not_enough_data=not_enough)
    return _answer("ok", f"{n_best} best customers compared with {n_rest} other companies.",
                   n_best, n_rest, draft=draft, evidence=evidence, reasons=reasons,
                   not_enough_data=not_enough)


def _draft(name: str, found: dict[str, tuple]) -> tuple[dict | None, list[dict]]:
    """Criteria in the API's field order, weights by evidence summing to 100."""
    fields = [f for f in FIELDS if f in found and found[f][1] > 0]
    weights = round_to(100, [found[f][1] for f in fields])
    while fields and 0 in weights:  # a criterion too weak to earn a point is left out
        fields = [f for f, w in zip(fields, weights, strict=True) if w > 0]
        weights = round_to(100, [found[f][1] for f in fields])
    if not fields:
        return None, []
    criteria, reasons = [], []
    for fld, weight in zip(fields, weights, strict=True):
        criterion, _evidence, row = found[fld]
        criteria.append({**criterion, "field": fld, "weight": weight})
        reasons.append(row | {"field": fld, "weight": weight, "proposed": True})
    return {"name": name, "kind": "b2b", "criteria": criteria, "disqualifiers": [],
            "pain_points": []}, reasons
