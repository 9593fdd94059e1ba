"""The funnel and the conversion rate: of the deals created in the period (the
cohort), how many reached each open stage, then Won.

A deal *reached* every open stage up to the furthest one it got to: its current
stage if it is open, every open stage if it was won, and, if it was lost, the open
stage it was lost from (its move into the lost stage in DealStageChange). A deal
that skips stages therefore counts as passing through the skipped ones; backward
moves are not counted twice. Conversion from stage S = reached(next stage) /
reached(S); the last open stage converts into Won. Without a stage,
conversion_rate is the overall rate: won / reached(first stage).
"""

from __future__ import annotations

from sqlalchemy import case, func
from sqlmodel import Session, select

from updoot_app.models import Deal, DealStageChange
from updoot_app.services.kpis.figure import Figure
from updoot_app.services.kpis.memo import Stages, memoize, stages_of
from updoot_app.services.kpis.periods import Period, in_period
from updoot_app.services.kpis.segments import ALL, Segment, restrict_deals
from updoot_app.services.platform.errors import ValidationError


@memoize
def funnel(session: Session, workspace_id: int, period: Period, seg: Segment = ALL,
           stages: Stages | None = None) -> list[dict]:
    """Deals created in the period that reached each open stage, then Won (see the
    module docstring); each row with its conversion into the next row."""
    stages = stages or stages_of(session, workspace_id)
    cohort = [Deal.workspace_id == workspace_id, in_period(Deal.created_at, period)]
    # Naming every stage lets the (workspace, stage, created) index answer per stage,
    # already grouped; deals are only ever in their workspace's stages.
    counts = dict(session.exec(restrict_deals(
        select(Deal.stage_id, func.count()).select_from(Deal)
        .where(*cohort, Deal.stage_id.in_([r[0] for r in stages.rows] or (-1,)))
        .group_by(Deal.stage_id), seg, workspace_id)).all())
    open_rows = [r for r in stages.rows if r[4] == "open"]
    won = sum(int(counts.get(i, 0)) for i in stages.won_ids)
    lost_at = _lost_from(session, workspace_id, period, seg, stages, cohort) \
        if stages.lost_ids and open_rows else {}
    rows = []
    for _sid, name, pos, _prob, _kind in open_rows:
        reached = won + sum(int(counts.get(r[0], 0)) for r in open_rows if r[2] >= pos) \
            + sum(n for p, n in lost_at.items() if p >= pos)
        rows.append({"stage_id": _sid, "stage": name, "reached": reached})
    if stages.won_ids:
        won_row = next(r for r in stages.rows if r[0] == stages.won_ids[0])
        rows.append({"stage_id": won_row[0], "stage": won_row[1], "reached": won})
    for i, row in enumerate(rows):
        nxt = rows[i + 1]["reached"] if i + 1 < len(rows) else None
        row["next_rate"] = (nxt / row["reached"]) if nxt is not None and row["reached"] else None
    return rows


def _lost_from(session: Session, workspace_id: int, period: Period, seg: Segment,
               stages: Stages, cohort: list) -> dict[int, int]:
    """Lost deals of the cohort by the furthest open stage they were lost from
    (position -> count): their moves into a lost stage, by ``from_stage_id``.

    The moves are read from the (workspace, to_stage, changed_at) index and kept when
    the deal is in the cohort (``deal_id IN``: a hash/ephemeral-table probe) rather
    than looking up each move's deal; the stage position is a CASE on the id (the
    open stages are known), not a join."""
    position = case({r[0]: r[2] for r in stages.rows if r[4] == "open"},
                    value=DealStageChange.from_stage_id, else_=None)
    lost_deals = restrict_deals(
        select(Deal.id).where(*cohort, Deal.stage_id.in_(stages.lost_ids)), seg, workspace_id)
    furthest = (
        select(func.max(position).label("pos"))
        .where(DealStageChange.workspace_id == workspace_id,
               DealStageChange.to_stage_id.in_(stages.lost_ids),
               DealStageChange.changed_at >= period.start,
               # "+ 0": not a seek per deal on the deal_id index (SQLite's choice)
               (DealStageChange.deal_id + 0).in_(lost_deals))
        .group_by(DealStageChange.deal_id).subquery()
    )
    return {int(p): int(n) for p, n in session.exec(
        select(furthest.c.pos, func.count()).where(furthest.c.pos.is_not(None))
        .group_by(furthest.c.pos)).all()}


def conversion_of(rows: list[dict], stage_id: int | None = None) -> Figure:
    """The conversion rate from ``funnel`` rows: from ``stage_id`` into the next row,
    or, without a stage, from the first row into Won."""
    if not rows:
        return Figure(None, 0)
    if stage_id is None:
        first, last = rows[0], rows[-1]
        rate = last["reached"] / first["reached"] if first["reached"] else None
        return Figure(rate, first["reached"], {"from": first["stage"], "to": last["stage"]})
    for i, row in enumerate(rows[:-1]):
        if row["stage_id"] == stage_id:
            return Figure(row["next_rate"], row["reached"],
                          {"from": row["stage"], "to": rows[i + 1]["stage"]})
    raise ValidationError("stage_id", "Choose an open stage of this workspace.")


def conversion_rate(session: Session, workspace_id: int, period: Period, seg: Segment = ALL,
                    stage_id: int | None = None) -> Figure:
    return conversion_of(funnel(session, workspace_id, period, seg), stage_id)
