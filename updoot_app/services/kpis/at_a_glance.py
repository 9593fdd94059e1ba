"""Workspace at a glance: the figures the dashboard opens with."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import Company, Contact, Deal
from updoot_app.services.crm.follow_up_reads import no_next_step_condition
from updoot_app.services.kpis import memo


def overview(session: Session, workspace_id: int) -> dict:
    companies = session.exec(
        select(func.count()).select_from(Company).where(Company.workspace_id == workspace_id)
    ).one()
    contacts = session.exec(
        select(func.count()).select_from(Contact).where(Contact.workspace_id == workspace_id)
    ).one()
    # (id, name, kind, probability) by position; shared with the KPIs of the same
    # dashboard inside memo.memoized().
    stages = [(sid, name, kind, probability)
              for sid, name, _pos, probability, kind in memo.stages_of(session, workspace_id).rows]
    # Per stage from the (workspace, stage, currency, value) index alone, already in
    # stage order (naming the stages lets the index answer one stage at a time).
    # Money is stored as exact integers; SUM keeps the Money type, so this is a Decimal.
    totals = {sid: (n, total) for sid, n, total in session.exec(
        select(Deal.stage_id, func.count(), func.sum(Deal.value))
        .where(Deal.workspace_id == workspace_id,
               Deal.stage_id.in_([st[0] for st in stages] or (-1,)))
        .group_by(Deal.stage_id)).all()}
    rows = [(name, kind, probability, *totals.get(sid, (0, None)))
            for sid, name, kind, probability in stages]
    by_stage = []
    open_count, open_value, weighted = 0, Decimal(0), Decimal(0)
    won_count = lost_count = 0
    for name, kind, probability, count, total in rows:
        value = total if total is not None else Decimal(0)
        by_stage.append({"stage": name, "kind": kind, "deals": count, "value": value})
        if kind == "open":
            open_count += count
            open_value += value
            weighted += value * probability / 100
        elif kind == "won":
            won_count = count
        else:
            lost_count = count
    closed = won_count + lost_count
    # Open deals with no open follow-up: the pipeline's "no next step" filter, counted.
    without_next_step = session.exec(
        select(func.count()).select_from(Deal)
        .where(Deal.workspace_id == workspace_id, no_next_step_condition())).one() \
        if open_count else 0
    return {
        "companies": companies,
        "contacts": contacts,
        "open_deals": open_count,
        "without_next_step": without_next_step,
        "pipeline_value": open_value,
        "weighted_value": weighted.quantize(Decimal("0.01")),
        "won": won_count,
        "lost": lost_count,
        "win_rate": (won_count / closed) if closed else None,
        "by_stage": by_stage,
    }
