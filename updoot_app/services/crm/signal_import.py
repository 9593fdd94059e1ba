"""Import of buying signals from a CSV file: one row per signal, its company found
by domain (columns: domain, trigger, occurred_on, and an optional note). The
same importer behind `updoot import signals` and the web.

Every row is checked first (a domain of a company in this workspace, a trigger,
a day not after today in the workspace's calendar); the valid rows are written
in one transaction, the caller's, in one executemany, and the others come back
as per-row errors (the csvio report): a bad row never stops the good ones, and
nothing is half-written when the insert itself fails. The companies that got
signals are rescored in the same transaction (their triggers' freshness counts
in the stored fit: profiles.signal_fit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from sqlalchemy import insert
from sqlmodel import Session, select

from updoot_app.models import BuyingSignal, Company
from updoot_app.models.types import utcnow
from updoot_app.services.crm.follow_up_reads import workspace_today
from updoot_app.services.crm.follow_ups import clean_day
from updoot_app.services.csvio.cell_parsers import normalise_domain
from updoot_app.services.csvio.row_validation import RowError
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import LIST_ITEM_MAX_LEN
from updoot_app.services.profiles import fit

MAX_ROWS = 100_000
COLUMNS = {"domain": ("domain", "website", "company domain", "url"),
           "trigger": ("trigger", "signal", "event", "buying signal"),
           "occurred_on": ("occurred_on", "occurred on", "date", "when", "happened on"),
           "note": ("note", "notes", "source", "link")}
REQUIRED = ("domain", "trigger", "occurred_on")


@dataclass
class SignalImport:
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.imported:,} signals, {len(self.errors):,} rows with problems"


def column_mapping(headers: list[str]) -> dict[str, str]:
    """{field: header} by the headers' names (case and spacing ignored)."""
    found: dict[str, str] = {}
    for header in headers:
        key = " ".join(header.replace("_", " ").lower().split())
        for name, synonyms in COLUMNS.items():
            if name not in found and key in {s.replace("_", " ") for s in synonyms}:
                found[name] = header
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise ValidationError("file", f"The file needs the columns {', '.join(REQUIRED)} "
                                      f"(missing: {', '.join(missing)}).")
    return found


def import_signals(session: Session, principal: Principal, frame: pd.DataFrame, *,
                   now: datetime | None = None) -> SignalImport:
    """Check every row of `frame` (text cells, spreadsheet row numbers as index,
    csvio.reading) and insert the valid ones."""
    principal.require("member")
    if len(frame) > MAX_ROWS:
        raise ValidationError("file", f"At most {MAX_ROWS:,} rows at a time.")
    cols = column_mapping([str(c) for c in frame.columns])
    ws = principal.workspace_id
    today = workspace_today(session, ws, now)
    by_domain = dict(session.exec(select(Company.domain, Company.id).where(
        Company.workspace_id == ws, Company.domain.is_not(None))).all())
    result, rows = SignalImport(), []
    created = now or utcnow()
    for row_no, cells in frame.iterrows():
        def cell(name: str, cells=cells) -> str:
            header = cols.get(name)
            value = cells.get(header, "") if header else ""
            return "" if value is None or (isinstance(value, float) and pd.isna(value)) \
                else str(value).strip()

        error = _check(cell, by_domain, today, int(row_no), cols)
        if isinstance(error, RowError):
            result.errors.append(error)
            continue
        company_id, trigger, occurred, note = error
        rows.append({"workspace_id": ws, "company_id": company_id, "trigger": trigger,
                     "occurred_on": occurred, "note": note, "created_by": principal.user_id,
                     "created_at": created})
    if rows:
        session.execute(insert(BuyingSignal.__table__), rows)
        fit.rescore_workspace(session, ws, company_ids={r["company_id"] for r in rows},
                              now=now)
        activity.log(session, workspace_id=ws, user_id=principal.user_id,
                     action="signal.import", entity_type="workspace", entity_id=ws,
                     summary=f"Imported {len(rows):,} buying signals")
    result.imported = len(rows)
    return result


def check_signal(trigger: object, occurred_on: object, today: date | None
                 ) -> tuple[str, date]:
    """The trigger and the day of one imported signal, as every importer checks them
    (this one and the company import's signal columns): a trigger of at most
    LIST_ITEM_MAX_LEN characters, a date like 2026-03-31 not after ``today`` (the
    workspace's; None: the date's form only). Raises ValidationError naming
    ``trigger`` or ``occurred_on``."""
    name = " ".join(str(trigger or "").split())
    if not name or len(name) > LIST_ITEM_MAX_LEN:
        raise ValidationError("trigger",
                              f"Give the trigger, at most {LIST_ITEM_MAX_LEN} characters.")
    occurred = clean_day(str(occurred_on or ""), "occurred_on", "Date")
    if today is not None and occurred > today:
        raise ValidationError("occurred_on", "A signal happened today or before.")
    return name, occurred


def _check(cell, by_domain: dict, today: date, row_no: int, cols: dict):
    domain = normalise_domain(cell("domain")) if cell("domain") else None
    if not domain:
        return RowError(row_no, cols["domain"], "Give the company's domain, e.g. acme.io.")
    if domain not in by_domain:
        return RowError(row_no, cols["domain"], f"No company with the domain {domain} here.")
    try:
        trigger, occurred = check_signal(cell("trigger"), cell("occurred_on"), today)
    except ValidationError as exc:
        return RowError(row_no, cols[exc.field], str(exc))
    note = cell("note")
    if len(note) > 500:
        return RowError(row_no, cols.get("note", "note"), "A note is at most 500 characters.")
    return by_domain[domain], trigger, occurred, note
