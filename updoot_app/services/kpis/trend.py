"""The monthly trend: deals created, deals won, value won and new leads per month."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from updoot_app.models import Company, Deal
from updoot_app.services.kpis.figure import money_sum
from updoot_app.services.kpis.memo import Stages, stages_of
from updoot_app.services.kpis.segments import ALL, Segment, company_conditions, restrict_deals


def _months_back(end: datetime, months: int) -> datetime:
    year, month = end.year, end.month - months
    while month <= 0:
        month += 12
        year -= 1
    return datetime(year, month, 1, tzinfo=UTC)


def trend(session: Session, workspace_id: int, end: datetime, seg: Segment = ALL,
          months: int = 12, stages: Stages | None = None) -> list[dict]:
    """Per month for the ``months`` months before ``end`` (or before the end of the
    current month, if that is sooner): deals created, deals won, won value, new leads.

    One statement of scalar subqueries, each a COUNT/SUM over one month's range of a
    covering index: no per-row month expression and no sort (SQLite groups by an
    expression through a temporary B-tree, which cost more than the scans). The
    statement is built once per shape with bound parameters (``_trend_statement``):
    building and hashing 48 subqueries cost more than running them on a small
    workspace."""
    stages = stages or stages_of(session, workspace_id)
    today = datetime.now(UTC)
    end = min(end, datetime(today.year + today.month // 12, today.month % 12 + 1, 1,
                            tzinfo=UTC))
    last = end - timedelta(microseconds=1)
    start = _months_back(datetime(last.year, last.month, 1, tzinfo=UTC), months - 1)
    bounds = []
    cursor = start
    while cursor < end:
        nxt = datetime(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1, tzinfo=UTC)
        bounds.append((cursor, min(nxt, end)))
        cursor = nxt
    if not bounds:
        return []
    params: dict[str, Any] = {"ws": workspace_id, "won": list(stages.won_ids or (-1,))}
    for i, (lo, hi) in enumerate(bounds):
        params[f"lo{i}"], params[f"hi{i}"] = lo, hi
    stmt = _trend_statement(len(bounds), seg, None if seg.type == "all" else workspace_id)
    values = session.exec(stmt, params=params).one()
    out = []
    for i, (lo, _hi) in enumerate(bounds):
        n_created, n_won, raw, n_leads = values[4 * i: 4 * i + 4]
        out.append({"month": lo.strftime("%Y-%m"), "deals_created": int(n_created or 0),
                    "won": int(n_won or 0), "won_value": money_sum(raw),
                    "new_leads": int(n_leads or 0)})
    return out


@functools.lru_cache(maxsize=256)
def _trend_statement(months: int, seg: Segment, seg_workspace_id: int | None):
    """The trend's statement for ``months`` months, with the workspace (``ws``), the won
    stage ids (``won``, expanding) and each month's bounds (``lo{i}``, ``hi{i}``) as
    parameters. A segment's own conditions carry their workspace, hence the key."""
    ws = bindparam("ws")
    won = Deal.stage_id.in_(bindparam("won", expanding=True))
    when = Deal.created_at.type
    columns = []
    for i in range(months):
        lo, hi = bindparam(f"lo{i}", type_=when), bindparam(f"hi{i}", type_=when)
        created = select(func.count()).select_from(Deal).where(
            Deal.workspace_id == ws, Deal.created_at >= lo, Deal.created_at < hi)
        closed = [Deal.workspace_id == ws, Deal.closed_at >= lo, Deal.closed_at < hi, won]
        won_n = select(func.count()).select_from(Deal).where(*closed)
        won_value = select(func.sum(Deal.value)).select_from(Deal).where(*closed)
        leads = select(func.count()).select_from(Company).where(
            Company.workspace_id == ws, Company.created_at >= lo, Company.created_at < hi,
            *company_conditions(seg, seg_workspace_id or 0))
        columns += [restrict_deals(created, seg, seg_workspace_id or 0).scalar_subquery(),
                    restrict_deals(won_n, seg, seg_workspace_id or 0).scalar_subquery(),
                    restrict_deals(won_value, seg, seg_workspace_id or 0).scalar_subquery(),
                    leads.scalar_subquery()]
    return select(*columns)
