"""Import of validated CSV records into the companies table.

The flow (UI, CLI and API share it):

    frame = read_csv_bytes(data)                                        # csvio.reading
    mapping = guess_mapping(list(frame.columns), IMPORT_COMPANY_FIELDS)  # csvio.mapping; user confirms
    result = validate_companies(frame, mapping)          # records + per-row errors
    counts = import_companies(principal, result.records, on_duplicate="skip"|"update")

Contacts go the same way through contact_import.py.

Writes go in batches of ``BATCH_SIZE`` rows, each batch in its own
transaction with bulk INSERT / executemany UPDATE through SQLAlchemy core: a
batch is written whole or not at all, so no row is ever half imported. A
failing batch rolls back and stops the import; the batches before it stay.

That is why the import takes no session, unlike the other services: it is a
long job (up to ``MAX_IMPORT_ROWS`` rows, run in the background with a progress
bar), and one transaction around it would hold SQLite's single write lock for
the whole file, keeping every other writer of the workspace waiting. The
caller's part is only the principal; each step opens and commits its own.

Duplicates are detected by domain, against the workspace's existing
companies and against earlier rows of the same file. ``skip`` leaves the
existing company as it is; ``update`` overwrites it with the row's non-empty
cells (an empty cell keeps the stored value). Rows without a domain are
always created. After the writes, the workspace is re-scored in bulk
(``fit.rescore_workspace``), which only writes the fits that changed.

A row can carry one buying signal: a "Signal trigger" and a "Signal date" column
(e.g. ``signal`` and ``signal_on``), checked as the signal importer checks them
(``signal_import.check_signal``; a date after the workspace's today is a row
error at import). The signal is written in the same transaction as its company
(created, or updated in "update" mode; a skipped duplicate's is skipped too), so
a row is imported whole or not at all, and those companies are rescored with it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select, update

from updoot_app import db
from updoot_app.models import Company, Membership, User
from updoot_app.models.types import utcnow
from updoot_app.services.crm.company_import_signals import (
    signal_checks,
    with_signal_columns,
    write_signals,
)
from updoot_app.services.csvio.fields import COMPANY_FIELDS, FieldSet
from updoot_app.services.csvio.row_validation import RowError, ValidationResult, validate_rows
from updoot_app.services.identity.access import Principal
from updoot_app.services.identity.workspaces import workspace_today
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import LIST_ITEM_MAX_LEN, LIST_MAX_ITEMS, MAX_MONEY
from updoot_app.services.profiles import fit, icp_reads, scoring
from updoot_app.services.profiles.tiers import zero_filled

BATCH_SIZE = 2000
MAX_IMPORT_ROWS = 200_000
DUPLICATE_MODES = ("skip", "update")

_LIMITS = {"name": 200, "industry": 100, "notes": 5000, "tech_stack": LIST_ITEM_MAX_LEN,
           "triggers": LIST_ITEM_MAX_LEN, "tags": LIST_ITEM_MAX_LEN}


def tightened(fields: FieldSet, limits: dict[str, int]) -> FieldSet:
    """The csvio field set with the database's column lengths as limits."""
    return dataclasses.replace(fields, fields=tuple(
        dataclasses.replace(f, max_length=limits[f.name]) if f.name in limits else f
        for f in fields.fields))


IMPORT_COMPANY_FIELDS = tightened(with_signal_columns(COMPANY_FIELDS), _LIMITS)

Progress = Callable[[str, int, int], Any]
"""progress(phase, done, total): phase is "import" (rows) or "score"."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    invalid: int = 0
    signals: int = 0
    errors: list[RowError] = field(default_factory=list)
    tiers: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "skipped": self.skipped,
                "invalid": self.invalid, "signals": self.signals}

    def summary(self) -> str:
        signals = f", {self.signals:,} buying signals" if self.signals else ""
        return (f"{self.created:,} created, {self.updated:,} updated, "
                f"{self.skipped:,} skipped (duplicates), {self.invalid:,} invalid rows"
                f"{signals}")


def clean_mode(raw: object) -> str:
    if raw not in DUPLICATE_MODES:
        raise ValidationError("on_duplicate", "On duplicate must be \"skip\" or \"update\".")
    return str(raw)


# --------------------------------------------------------------------------- validation


def _extra_company_checks(record: dict, header_of: dict[str, str]) -> list[tuple[str, str]]:
    """Checks csvio does not know about: the database's ranges and list sizes."""
    problems = []
    revenue = record.get("annual_revenue")
    if isinstance(revenue, Decimal):
        if revenue < 0:
            problems.append(("annual_revenue", "cannot be negative"))
        elif revenue > MAX_MONEY:
            problems.append(("annual_revenue", "is too large"))
        elif revenue != revenue.quantize(Decimal("0.0001")):
            problems.append(("annual_revenue", "has more than 4 decimal places"))
    employees = record.get("employees")
    if isinstance(employees, int) and not 0 <= employees <= 2_147_483_647:
        problems.append(("employees", "is out of range"))
    for key in ("tech_stack", "triggers", "tags"):
        values = record.get(key)
        if values and len(values) > LIST_MAX_ITEMS \
                and len({v.lower() for v in values}) > LIST_MAX_ITEMS:
            problems.append((key, f"has more than {LIST_MAX_ITEMS} items"))
    return [(header_of[k], reason) for k, reason in problems if k in header_of]


def validate_companies(frame: pd.DataFrame, mapping: dict[str, str | None]
                       ) -> ValidationResult:
    """validate_rows with the database's limits; a row is valid or not at all."""
    result = validate_rows(frame, mapping, IMPORT_COMPANY_FIELDS)
    header_of = {name: header for header, name in mapping.items() if name}
    kept, extra = [], []
    for record in result.records:
        problems = _extra_company_checks(record, header_of) + signal_checks(record, header_of)
        if problems:
            extra += [RowError(record["_row"], h, r) for h, r in problems]
        else:
            _dedupe_lists(record)
            kept.append(record)
    if extra:
        result.errors = sorted(result.errors + extra, key=lambda e: e.row)
    result.records = kept
    return result


def _dedupe_lists(record: dict) -> None:
    for key in ("tech_stack", "triggers", "tags"):
        values = record.get(key)
        if values and len(values) > 1:
            seen, out = set(), []
            for value in values:
                if value.lower() not in seen:
                    seen.add(value.lower())
                    out.append(value)
            record[key] = out


# --------------------------------------------------------------------------- import

_table = Company.__table__
_COMPANY_COLUMNS = ("name", "domain", "industry", "employees", "annual_revenue", "country",
                    "tech_stack", "triggers", "tags", "owner_id", "notes")


def _owner_ids(workspace_id: int, records: Sequence[dict]) -> dict[str, int]:
    emails = {r["owner_email"] for r in records if r.get("owner_email")}
    if not emails:
        return {}
    with db.session_scope() as session:
        rows = session.execute(
            select(func.lower(User.email), User.id)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.workspace_id == workspace_id)
        ).all()
    return {email: uid for email, uid in rows}


def _existing_domains(workspace_id: int) -> dict[str, int]:
    with db.session_scope() as session:
        rows = session.execute(
            select(_table.c.domain, _table.c.id)
            .where(_table.c.workspace_id == workspace_id, _table.c.domain.is_not(None))
            .order_by(_table.c.id)
        ).all()
    out: dict[str, int] = {}
    for domain, cid in rows:
        out.setdefault(domain, cid)
    return out


def _row_values(record: dict, owners: dict[str, int]) -> dict:
    values = {key: record[key] for key in _COMPANY_COLUMNS if key in record}
    if "owner_email" in record:
        email = record.get("owner_email")
        values["owner_id"] = owners.get(email.lower()) if email else None
    return values


def _insert_row(workspace_id: int, values: dict, now) -> dict:
    row = {key: None for key in _COMPANY_COLUMNS}
    row.update(tech_stack=[], triggers=[], tags=[], notes="")
    row.update({k: v for k, v in values.items() if v is not None})
    row.update(workspace_id=workspace_id, created_at=now, updated_at=now)
    return row


def non_empty(values: dict) -> dict:
    return {k: v for k, v in values.items() if v is not None and v != [] and v != ""}


def _score_rows(rows: list[dict], specs) -> None:
    """Set the fit columns of rows about to be inserted (vectorised, one call per batch)."""
    frame = pd.DataFrame({name: [row.get(name) for row in rows]
                          for name in fit.SCORING_COLUMNS if name != "id"})
    scored = scoring.score_frame(frame, specs)
    for row, score, tier, icp, cov, res in zip(
            rows, fit._py(scored["score"]), fit._py(scored["tier"]), fit._py(scored["icp_id"]),
            fit._py(scored["coverage"]), fit._py(scored["results"]), strict=True):
        row.update(fit_score=score, fit_tier=tier, fit_icp_id=icp, fit_coverage=cov,
                   fit_results=res)


def _tier_counts(workspace_id: int) -> dict[str, int]:
    with db.session_scope() as session:
        counts = dict(session.execute(
            select(_table.c.fit_tier, func.count()).where(_table.c.workspace_id == workspace_id)
            .group_by(_table.c.fit_tier)).all())
    return zero_filled(counts)


def _resolve_ids(session, workspace_id: int, known: dict[str, int | None],
                 domains: set[str]) -> None:
    """Fill in the ids of companies this import inserted in earlier batches."""
    missing = [d for d in domains if known.get(d) is None]
    for start in range(0, len(missing), 500):
        part = missing[start:start + 500]
        rows = session.execute(
            select(_table.c.domain, func.min(_table.c.id))
            .where(_table.c.workspace_id == workspace_id, _table.c.domain.in_(part))
            .group_by(_table.c.domain)).all()
        known.update(dict(rows))


def import_companies(principal: Principal, records: Sequence[dict], *,
                     on_duplicate: str = "skip", invalid_rows: int = 0,
                     progress: Progress | None = None, batch_size: int = BATCH_SIZE,
                     score: bool = True, now: datetime | None = None) -> ImportResult:
    """Write validated records (from :func:`validate_companies`) to the workspace.

    Opens its own sessions: one transaction per batch. New companies are
    scored (in bulk, per batch) before they are inserted; updated ones are
    re-scored at the end. Owner emails that are not members of the workspace
    become per-row errors (the row is not imported), and so do signals dated after
    the workspace's today (``now``: the clock, injected by tests). Returns the
    counts; ``invalid_rows`` (from validation) is added to the invalid count.
    """
    principal.require("member")
    mode = clean_mode(on_duplicate)
    if batch_size < 1:
        raise ValueError("batch_size")
    ws = principal.workspace_id
    owners = _owner_ids(ws, records)
    known: dict[str, int | None] = dict(_existing_domains(ws))
    specs = None
    with db.session_scope() as session:
        if score:
            specs = icp_reads.specs_for_workspace(session, ws)
        today = workspace_today(session, ws, now)
    result = ImportResult(invalid=invalid_rows)
    total = len(records)
    if progress is not None:
        progress("import", 0, total)
    done = 0
    any_updates = False
    for start in range(0, total, batch_size):
        batch = records[start:start + batch_size]
        inserts: list[dict] = []
        pending: dict[str, dict] = {}  # domain -> insert row of this batch
        updates: dict[str, dict] = {}  # domain of an earlier company -> new values
        updated = skipped = 0
        bad: list[RowError] = []
        signals: list[tuple[dict | str, str, date]] = []  # (insert row or domain, trigger, day)
        stamp = utcnow()
        for record in batch:
            email = record.get("owner_email")
            if email and email.lower() not in owners:
                bad.append(RowError(record["_row"], "Owner email",
                                    f"{email} is not a member of this workspace"))
                continue
            day = record.get("signal_on")
            if day is not None and day > today:
                bad.append(RowError(record["_row"], "Signal date",
                                    "A signal happened today or before."))
                continue
            values = _row_values(record, owners)
            domain = values.get("domain")
            if domain and (domain in known or domain in pending):
                if mode == "skip":
                    skipped += 1
                    continue
                changes = non_empty(values)
                changes.pop("domain", None)
                target: dict | str = domain
                if domain in pending:
                    pending[domain].update(changes)
                    target = pending[domain]
                else:
                    updates.setdefault(domain, {}).update(changes)
                if day is not None:
                    signals.append((target, record["signal"], day))
                updated += 1
                continue
            row = _insert_row(ws, values, stamp)
            inserts.append(row)
            if domain:
                pending[domain] = row
            if day is not None:
                signals.append((row, record["signal"], day))
        if specs is not None and inserts:
            _score_rows(inserts, specs)
        with db.session_scope() as session:
            id_of: dict[int, int] = {}
            if inserts and any(isinstance(t, dict) for t, _, _ in signals):
                ids = session.execute(insert(_table).returning(
                    _table.c.id, sort_by_parameter_order=True), inserts).scalars().all()
                id_of = {id(row): cid for row, cid in zip(inserts, ids, strict=True)}
            elif inserts:
                session.execute(insert(_table), inserts)
            if updates:
                _resolve_ids(session, ws, known, set(updates))
                for domain, changes in updates.items():
                    if changes:
                        session.execute(update(_table).where(_table.c.id == known[domain],
                                                             _table.c.workspace_id == ws)
                                        .values(**changes, updated_at=stamp))
            if signals:
                written = write_signals(session, principal, [
                    (id_of[id(t)] if isinstance(t, dict) else known[t], trigger, day)
                    for t, trigger, day in signals], stamp, rescore=score, now=now)
            else:
                written = 0
        # The batch committed: count it.
        for domain in pending:
            known.setdefault(domain, None)
        result.created += len(inserts)
        result.updated += updated
        result.skipped += skipped
        result.invalid += len(bad)
        result.signals += written
        result.errors += bad
        any_updates = any_updates or bool(updates)
        done += len(batch)
        if progress is not None:
            progress("import", done, total)
    if score and any_updates:
        with db.session_scope() as session:
            result.tiers = fit.rescore_workspace(
                session, ws,
                progress=(lambda d, t: progress("score", d, t)) if progress else None)
    else:
        result.tiers = _tier_counts(ws)
    with db.session_scope() as session:
        activity.log(session, workspace_id=ws, user_id=principal.user_id,
                     action="company.import", entity_type="company",
                     summary=f"Imported companies: {result.summary()}",
                     detail=result.as_dict())
    return result
