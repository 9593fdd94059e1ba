"""Workspace at a glance: the figures the dashboard opens with."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import Company, Contact, Deal, Stage


def overview(session: Session, workspace_id: int) -> dict:
    companies = session.exec(
        select(func.count()).select_from(Company).where(Company.workspace_id == workspace_id)
    ).one()
    contacts = session.exec(
        select(func.count()).select_from(Contact).where(Contact.workspace_id == workspace_id)
    ).one()
    # Money is stored as exact integers; SUM keeps the Money type, so this is a Decimal.
    total_value = func.sum(Deal.value)
    rows = session.exec(
        select(Stage.name, Stage.kind, Stage.probability, func.count(Deal.id), total_value)
        .join(Deal, (Deal.stage_id == Stage.id), isouter=True)
        .where(Stage.workspace_id == workspace_id)
        .group_by(Stage.id, Stage.name, Stage.kind, Stage.probability, Stage.position)
        .order_by(Stage.position)
    ).all()
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
    return {
        "companies": companies,
        "contacts": contacts,
        "open_deals": open_count,
        "pipeline_value": open_value,
        "weighted_value": weighted.quantize(Decimal("0.01")),
        "won": won_count,
        "lost": lost_count,
        "win_rate": (won_count / closed) if closed else None,
        "by_stage": by_stage,
    }
