"""Fit of companies against the workspace's active ICPs, stored on each company.

Bulk path: :func:`companies_frame` reads the scoring columns of a workspace
into pandas, ``scoring.score_frame`` scores them all at once, and
:func:`rescore_workspace` writes the result back with executemany UPDATEs in
batches (only rows whose fit changed). Single path: :func:`score_one` for a
company being created or edited. :func:`fit_of` builds the API ``fit`` object
from the stored columns (the explanation is decoded from ``fit_results``) and
the workspace's specs, loaded once per list with :func:`specs_by_id`.

Both paths score the "triggers" criterion on the company's scoring triggers
(``signal_fit``): a trigger with dated signals counts while its latest signal is
fresh, on the day ``now`` (the clock by default) is in the workspace's calendar.

Every function takes the caller's session: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from updoot_app.models import Company
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import NotFound
from updoot_app.services.platform.validation import clean_id
from updoot_app.services.profiles.explanations import explain, fit_summary
from updoot_app.services.profiles.icp_reads import specs_for_workspace
from updoot_app.services.profiles.scoring import score_company, score_frame, tier_counts
from updoot_app.services.profiles.scoring_model import Fit, IcpSpec
from updoot_app.services.profiles.signal_fit import signals_on, with_scoring_triggers

BATCH_SIZE = 2000
SCORING_COLUMNS = ("id", "industry", "employees", "annual_revenue", "country", "tech_stack",
                   "triggers", "tags")
FIT_COLUMNS = ("fit_score", "fit_tier", "fit_icp_id", "fit_coverage", "fit_results")
UNSCORED_FIT: dict = {"score": None, "tier": None, "icp_id": None, "coverage": None,
                      "explanation": []}

_table = Company.__table__


def companies_frame(session: Session, workspace_id: int, *, with_fit: bool = False,
                    company_ids: Iterable[int] | None = None,
                    now: datetime | None = None) -> pd.DataFrame:
    """The scoring columns of every company of a workspace (one row per company),
    or of ``company_ids`` only.

    Columns: id, industry, employees, annual_revenue (Decimal), country,
    tech_stack, triggers (the scoring triggers on the day of ``now``), tags
    (lists) — and the stored fit_* columns when ``with_fit``.
    """
    names = SCORING_COLUMNS + (FIT_COLUMNS if with_fit else ())
    ids = None if company_ids is None else sorted(set(company_ids))
    base = (select(*(_table.c[name] for name in names))
            .where(_table.c.workspace_id == workspace_id)
            .order_by(_table.c.id))
    if ids is None:
        rows = session.execute(base).all()
    else:
        rows = [row for start in range(0, len(ids), 500) for row in session.execute(
            base.where(_table.c.id.in_(ids[start:start + 500]))).all()]
    frame = pd.DataFrame.from_records(rows, columns=list(names))
    return with_scoring_triggers(frame, signals_on(session, workspace_id, ids, now))


def _company_dict(company: Company) -> dict:
    return {name: getattr(company, name) for name in SCORING_COLUMNS}


def _py(values: Iterable[Any]) -> list:
    """Plain Python values for the database driver (numpy scalars -> int/float/None)."""
    out = []
    for value in values:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            out.append(None)
        elif isinstance(value, np.generic):
            out.append(value.item())
        else:
            out.append(value)
    return out


def _changed(frame: pd.DataFrame, scored: pd.DataFrame) -> np.ndarray:
    """Rows whose new fit differs from the stored one."""
    changed = np.zeros(len(frame), dtype=bool)
    pairs = (("fit_score", "score"), ("fit_tier", "tier"), ("fit_icp_id", "icp_id"),
             ("fit_coverage", "coverage"), ("fit_results", "results"))
    for old_name, new_name in pairs:
        old = pd.Series(_py(frame[old_name]), dtype=object)
        new = pd.Series(_py(scored[new_name]), dtype=object)
        if new_name == "coverage":
            old = old.map(lambda v: None if v is None else round(float(v), 6))
            new = new.map(lambda v: None if v is None else round(float(v), 6))
        changed |= (old.to_numpy() != new.to_numpy())
    return changed


def rescore_workspace(session: Session, workspace_id: int,
                      progress: Callable[[int, int], Any] | None = None,
                      *, batch_size: int = BATCH_SIZE,
                      company_ids: Iterable[int] | None = None,
                      now: datetime | None = None) -> dict[str, int]:
    """Score every company of a workspace (or only ``company_ids``) and store the
    fits; tier counts (of the companies scored) back.

    Writes only the companies whose fit changed, ``batch_size`` rows per
    executemany UPDATE, calling ``progress(done, total)`` after each batch
    (and once with ``(0, 0)`` when nothing changed).
    """
    specs = specs_for_workspace(session, workspace_id)
    frame = companies_frame(session, workspace_id, with_fit=True, company_ids=company_ids,
                            now=now)
    scored = score_frame(frame, specs)
    changed = _changed(frame, scored)
    todo = scored[changed]
    rows = [
        {"_id": cid, "_score": score, "_tier": tier, "_icp": icp, "_cov": cov, "_res": res}
        for cid, score, tier, icp, cov, res in zip(
            _py(todo["id"]), _py(todo["score"]), _py(todo["tier"]), _py(todo["icp_id"]),
            _py(todo["coverage"]), _py(todo["results"]), strict=True)
    ]
    stmt = (update(_table)
            .where(_table.c.id == bindparam("_id"))
            .values(fit_score=bindparam("_score"), fit_tier=bindparam("_tier"),
                    fit_icp_id=bindparam("_icp"), fit_coverage=bindparam("_cov"),
                    fit_results=bindparam("_res")))
    total = len(rows)
    if total == 0 and progress is not None:
        progress(0, 0)
    for start in range(0, total, batch_size):
        batch = rows[start:start + batch_size]
        session.execute(stmt, batch)
        if progress is not None:
            progress(start + len(batch), total)
    if total:  # ORM copies of companies must not keep stale fits (only those: callers
        for obj in list(session.identity_map.values()):  # still hold other rows)
            if isinstance(obj, Company):
                session.expire(obj)
    return tier_counts(scored)


def score_one(session: Session, company: Company,
              specs: list[IcpSpec] | None = None, *, now: datetime | None = None) -> Fit:
    """Score one company (being created or edited) and set its fit_* fields.

    The caller adds and commits the company as usual.
    """
    if specs is None:
        specs = specs_for_workspace(session, company.workspace_id)
    values = _company_dict(company)
    if company.id is not None:
        signals = signals_on(session, company.workspace_id, [company.id], now)
        values["triggers"] = signals.triggers(company.id, company.triggers)
    fit = score_company(values, specs)
    company.fit_score = fit.score
    company.fit_tier = fit.tier
    company.fit_icp_id = fit.icp_id
    company.fit_coverage = fit.coverage
    company.fit_results = fit.results
    return fit


def specs_by_id(session: Session, workspace_id: int) -> dict[int, IcpSpec]:
    """The workspace's active ICPs by id, as :func:`fit_of` takes them."""
    return {spec.id: spec for spec in specs_for_workspace(session, workspace_id)}


def fit_of(company: Company, specs: dict[int, IcpSpec]) -> dict:
    """The API ``fit`` object of a company from its stored fit columns.

    ``specs`` are the workspace's active ICPs by id (:func:`specs_by_id`), loaded
    once by the caller however many fits it builds. With no active ICP, or an
    unscored company, the fit is all nulls.
    """
    if not specs or company.fit_score is None:
        return {**UNSCORED_FIT, "explanation": []}
    icp = specs.get(company.fit_icp_id)
    fit = Fit(
        score=int(company.fit_score),
        tier=company.fit_tier,
        icp_id=company.fit_icp_id,
        coverage=None if company.fit_coverage is None else float(company.fit_coverage),
        explanation=explain(company.fit_results, icp),
        results=company.fit_results,
    )
    return {**fit.to_dict(), "summary": fit_summary(fit, icp)}


def get_fit(session: Session, principal: Principal, company_id: object) -> dict:
    """The fit of one company of the caller's workspace (404 for other workspaces)."""
    company_id = clean_id(company_id, "company_id")
    company = session.get(Company, company_id)
    if company is None or company.workspace_id != principal.workspace_id:
        raise NotFound("Company")
    return fit_of(company, specs_by_id(session, principal.workspace_id))
