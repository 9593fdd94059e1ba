"""The company import's buying signal: a row can carry one, in a "Signal trigger"
and a "Signal date" column (e.g. ``signal`` and ``signal_on``). The fields, the
checks of a row's signal (``signal_import.check_signal``, the signal importer's
own), and the write of a batch's signals with their companies
(``company_import`` calls these inside each batch's transaction).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from sqlalchemy import func, insert, select

from updoot_app.models import BuyingSignal
from updoot_app.services.crm.signal_import import check_signal
from updoot_app.services.csvio.fields import Field, FieldSet
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import LIST_ITEM_MAX_LEN
from updoot_app.services.profiles import fit

SIGNAL_FIELDS = (
    Field("signal", "Signal trigger", max_length=LIST_ITEM_MAX_LEN, synonyms=(
        "signal", "signal trigger", "buying signal", "signal name", "latest signal")),
    Field("signal_on", "Signal date", synonyms=(
        "signal on", "signal date", "signal day", "signal occurred on", "signal when",
        "signal happened on")),
)


def with_signal_columns(fields: FieldSet) -> FieldSet:
    """The company fields and a dated signal's two; a header "signal" is the
    signal's trigger (no longer a synonym of the undated Triggers list)."""
    taken = {"signal", "buying signal"}
    kept = tuple(dataclasses.replace(f, synonyms=tuple(x for x in f.synonyms if x not in taken))
                 if f.name == "triggers" else f for f in fields.fields)
    return dataclasses.replace(fields, fields=kept + SIGNAL_FIELDS)


def signal_checks(record: dict, header_of: dict[str, str]) -> list[tuple[str, str]]:
    """A row's signal: both cells or neither; the signal importer's checks (the
    date's form here; "not after today" at import, in the workspace's calendar).
    Sets record["signal"], record["signal_on"] to the clean trigger and day."""
    trigger, day = record.pop("signal", None), record.pop("signal_on", None)
    if not trigger and not day:
        return []
    if not day:
        return [(header_of.get("signal", "Signal trigger"),
                 "needs its date: map a Signal date column and fill it (e.g. 2026-03-31)")]
    if not trigger:
        return [(header_of.get("signal_on", "Signal date"),
                 "needs its trigger: map a Signal trigger column and fill it")]
    try:
        record["signal"], record["signal_on"] = check_signal(trigger, day, None)
    except ValidationError as exc:
        column = "signal" if exc.field == "trigger" else "signal_on"
        return [(header_of[column], str(exc))]
    return []


def write_signals(session, principal: Principal, signals: list[tuple[int, str, date]],
                  stamp: datetime, *, rescore: bool = True,
                  now: datetime | None = None) -> int:
    """Insert a batch's signals (one per company, trigger and day: those already
    recorded are not repeated) and rescore their companies; how many were new."""
    ws = principal.workspace_id
    rows: dict[tuple, dict] = {}
    for cid, trigger, day in signals:
        rows.setdefault((cid, trigger.lower(), day), {
            "workspace_id": ws, "company_id": cid, "trigger": trigger, "occurred_on": day,
            "note": "", "created_by": principal.user_id, "created_at": stamp})
    ids = sorted({cid for cid, _t, _d in signals})
    existing: set[tuple] = set()
    for start in range(0, len(ids), 500):
        existing.update(tuple(r) for r in session.execute(
            select(BuyingSignal.company_id, func.lower(BuyingSignal.trigger),
                   BuyingSignal.occurred_on)
            .where(BuyingSignal.workspace_id == ws,
                   BuyingSignal.company_id.in_(ids[start:start + 500]))).all())
    new = [row for key, row in rows.items() if key not in existing]
    if new:
        session.execute(insert(BuyingSignal.__table__), new)
    if rescore:
        fit.rescore_workspace(session, ws, company_ids=ids, now=now)
    return len(new)
