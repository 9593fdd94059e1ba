"""Reading deals: one deal as a dict, its stage history, the filtered deal list and
the kanban board.

Money stays Decimal here; the board's totals are SQL sums (GROUP BY stage and
currency) over the exact integer storage, never a loop over every deal.
Totals are kept per currency: a column's `value`/`weighted_value` are in the
workspace currency, deals in other currencies are summed separately under
`other_currencies` (no exchange rates are applied). The writes are in deals.py.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from updoot_app.models import Company, Deal, DealStageChange, Stage, User, Workspace
from updoot_app.models.types import utcnow
from updoot_app.services.crm.deal_filters import FILTER_KEYS, deal_conditions
from updoot_app.services.crm.stages import list_stages
from updoot_app.services.platform.clock import aware
from updoot_app.services.platform.errors import NotFound, ValidationError
from updoot_app.services.platform.validation import clean_direction, clean_paging, clean_search
from updoot_app.services.platform.workspace_rows import get_in_workspace
from updoot_app.services.profiles.tiers import clean_fit_tiers

CENT = Decimal("0.01")


def weighted(value: Decimal, probability: int) -> Decimal:
    """value × probability / 100, half-up to cents."""
    return (value * probability / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def get_deal(session: Session, workspace_id: int, deal_id: object) -> Deal:
    return get_in_workspace(session, Deal, workspace_id, deal_id, "Deal", "deal_id")


def stage_history(session: Session, workspace_id: int, deal_id: object) -> list[dict]:
    deal = get_deal(session, workspace_id, deal_id)
    names = {s.id: s.name for s in list_stages(session, workspace_id)}
    rows = session.exec(
        select(DealStageChange, User.email)
        .join(User, User.id == DealStageChange.user_id, isouter=True)
        .where(DealStageChange.deal_id == deal.id)
        .order_by(DealStageChange.changed_at, DealStageChange.id)
    ).all()
    return [{"id": c.id, "from_stage_id": c.from_stage_id,
             "from_stage": names.get(c.from_stage_id), "to_stage_id": c.to_stage_id,
             "to_stage": names.get(c.to_stage_id), "changed_at": aware(c.changed_at),
             "user_email": email} for c, email in rows]


# --- dicts, list, board --------------------------------------------------------------

def _deal_row(deal: Deal, stage: Stage, company: tuple, owner_email: str | None,
              stale_after_days: int, now: datetime) -> dict:
    company_name, fit_tier, fit_score = company
    entered, last = aware(deal.stage_entered_at), aware(deal.last_activity_at)
    return {
        "id": deal.id,
        "title": deal.title,
        "company_id": deal.company_id,
        "company_name": company_name,
        "fit_tier": fit_tier,
        "fit_score": fit_score,
        "value": deal.value,
        "currency": deal.currency,
        "stage_id": stage.id,
        "stage": stage.name,
        "stage_kind": stage.kind,
        "probability": stage.probability,
        "owner_id": deal.owner_id,
        "owner_email": owner_email,
        "created_at": aware(deal.created_at),
        "stage_entered_at": entered,
        "last_activity_at": last,
        "expected_close": deal.expected_close,
        "closed_at": aware(deal.closed_at),
        "lost_reason": deal.lost_reason,
        "days_in_stage": max(0, (now - entered).days),
        "stale": stage.kind == "open" and now - last > timedelta(days=stale_after_days),
    }


def _stale_days(session: Session, workspace_id: int) -> int:
    return session.exec(
        select(Workspace.stale_after_days).where(Workspace.id == workspace_id)).one()


def deal_dict(session: Session, deal: Deal, *, now: datetime | None = None) -> dict:
    stage = session.get(Stage, deal.stage_id)
    company = session.exec(select(Company.name, Company.fit_tier, Company.fit_score)
                           .where(Company.id == deal.company_id)).one()
    owner = None
    if deal.owner_id is not None:
        owner = session.exec(select(User.email).where(User.id == deal.owner_id)).first()
    return _deal_row(deal, stage, tuple(company), owner,
                     _stale_days(session, deal.workspace_id), now or utcnow())


SORT_COLUMNS = {
    "created_at": Deal.created_at,
    "value": Deal.value,
    "title": Deal.title,
    "stage": Stage.position,
    "last_activity_at": Deal.last_activity_at,
    "expected_close": Deal.expected_close,
}


def list_deals(session: Session, workspace_id: int, *, stage: object = None,
               owner_id: object = None, fit_tier: object = None, search: object = None,
               company_id: object = None, persona_id: object = None,
               competitor_id: object = None, next_step: object = None,
               sort: object = "created_at", direction: object = "desc", page: object = 1,
               page_size: object = 25, now: datetime | None = None) -> tuple[list[dict], int]:
    """One page of deals, filtered, sorted and paged in SQL; (rows, total)."""
    page, page_size = clean_paging(page, page_size)
    sort = sort or "created_at"
    if sort not in SORT_COLUMNS:
        raise ValidationError("sort", f"Sort must be one of {', '.join(SORT_COLUMNS)}.")
    direction = clean_direction(direction or "desc")
    conds = deal_conditions(session, workspace_id, stage=stage, owner_id=owner_id,
                            fit_tier=fit_tier, search=search, company_id=company_id,
                            persona_id=persona_id, competitor_id=competitor_id,
                            next_step=next_step)
    total = session.exec(
        select(func.count(Deal.id)).select_from(Deal)
        .join(Company, Company.id == Deal.company_id).where(*conds)
    ).one()
    column = SORT_COLUMNS[sort]
    order = column.asc() if direction == "asc" else column.desc()
    rows = session.exec(
        select(Deal, Stage, Company.name, Company.fit_tier, Company.fit_score, User.email)
        .join(Company, Company.id == Deal.company_id)
        .join(Stage, Stage.id == Deal.stage_id)
        .join(User, User.id == Deal.owner_id, isouter=True)
        .where(*conds)
        .order_by(order.nulls_last(), Deal.id.desc() if direction == "desc" else Deal.id.asc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    now = now or utcnow()
    stale = _stale_days(session, workspace_id)
    return [_deal_row(d, s, (cname, tier, score), email, stale, now)
            for d, s, cname, tier, score, email in rows], total


CARD_COLUMNS = (Deal.id, Deal.title, Deal.company_id, Deal.value, Deal.currency, Deal.stage_id,
                Deal.owner_id, Deal.created_at, Deal.stage_entered_at, Deal.last_activity_at,
                Deal.expected_close, Deal.closed_at, Deal.lost_reason)


def column_totals(groups: Mapping[str, tuple[int, Decimal]], currency: str,
                  probability: int) -> dict:
    """A column's count and sums from its deals' (count, sum) per currency: `value` and
    `weighted_value` in the workspace `currency`, the others under
    `other_currencies` (no exchange rates)."""
    own = groups.get(currency, (0, Decimal(0)))[1]
    return {
        "count": sum(count for count, _total in groups.values()),
        "value": own,
        "weighted_value": weighted(own, probability),
        "other_currencies": {
            cur: {"value": amount, "weighted_value": weighted(amount, probability)}
            for cur, (_count, amount) in sorted(groups.items()) if cur != currency
        },
    }


def board(session: Session, workspace_id: int, *, filters: Mapping[str, Any] | None = None,
          per_column_limit: int = 50, now: datetime | None = None,
          only_stages: Iterable[int] | None = None) -> dict:
    """The kanban board: every stage in order with its count, value and weighted
    value (SQL GROUP BY) and at most `per_column_limit` cards (an indexed
    ORDER BY ... LIMIT per stage, most recently moved first). Each column's
    `groups` are its (count, sum) per currency, for `column_totals`.

    `only_stages` limits the board to those stages of the workspace (after a move,
    the two columns it touched); ids of other workspaces' stages are ignored."""
    filters = dict(filters or {})
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationError(name, f"Unknown filter {name}.")
    if isinstance(per_column_limit, bool) or not isinstance(per_column_limit, int) \
            or not 1 <= per_column_limit <= 200:
        raise ValidationError("per_column_limit", "Cards per column must be 1 to 200.")
    now = now or utcnow()
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        raise NotFound("Workspace")
    conds = deal_conditions(session, workspace_id, **filters)
    stages = list_stages(session, workspace_id)
    if only_stages is not None:
        wanted = set(only_stages)
        stages = [s for s in stages if s.id in wanted]
    params = {"board_ws": workspace_id, "board_stages": [s.id for s in stages]}
    filter_conds = conds[1:]  # conds[0] is the workspace, a parameter of the statements
    if not filter_conds:  # no filter: the statements are built once (_board_statements)
        totals_query, card_query = _board_statements(only_stages is not None,
                                                     per_column_limit)
    else:
        totals_query, card_query = _filtered_board_statements(
            filters, filter_conds, only_stages is not None, per_column_limit)
    sums = session.exec(totals_query, params=params).all()

    # Cards: one small query per non-empty stage, most recently moved first, read
    # from the (workspace, stage, stage_entered_at) index with a LIMIT.
    non_empty = {stage_id for stage_id, _currency, count, _total in sums if count}
    by_stage = {s.id: s for s in stages}
    cards: dict[int, list[dict]] = {s.id: [] for s in stages}
    for stage in stages:
        if stage.id not in non_empty:
            continue
        card_rows = session.exec(card_query,
                                 params={**params, "card_stage_id": stage.id}).all()
        for row in card_rows:  # plain rows, not ORM objects: attribute access is the same
            cards[stage.id].append(_deal_row(
                row, by_stage[stage.id], (row.company_name, row.fit_tier, row.fit_score),
                row.owner_email, workspace.stale_after_days, now))

    groups: dict[int, dict[str, tuple[int, Decimal]]] = {s.id: {} for s in stages}
    for stage_id, currency, count, total in sums:
        groups[stage_id][currency] = (count, total if total is not None else Decimal(0))
    columns = []
    for stage in stages:
        columns.append({
            "stage_id": stage.id,
            "name": stage.name,
            "position": stage.position,
            "probability": stage.probability,
            "kind": stage.kind,
            **column_totals(groups[stage.id], workspace.currency, stage.probability),
            "cards": cards[stage.id],
            "groups": groups[stage.id],
        })
        columns[-1]["more"] = max(0, columns[-1]["count"] - len(cards[stage.id]))
    open_cols = [c for c in columns if c["kind"] == "open"]
    return {
        "currency": workspace.currency,
        "stale_after_days": workspace.stale_after_days,
        "columns": columns,
        "open_count": sum(c["count"] for c in open_cols),
        "open_value": sum((c["value"] for c in open_cols), Decimal(0)),
        "open_weighted_value": sum((c["weighted_value"] for c in open_cols), Decimal(0)),
    }


def _filtered_board_statements(filters: Mapping[str, Any], conds: list, some_stages: bool,
                               per_column_limit: int) -> tuple:
    """(totals, cards) statements of a board: the totals grouped by stage and currency,
    and one card statement for every column (the stage is the bound parameter
    ``card_stage_id``). ``board_ws`` is the workspace, ``board_stages`` the stage ids
    when ``some_stages``."""
    conds = [*conds, Deal.workspace_id == bindparam("board_ws")]
    if some_stages:
        conds.append(Deal.stage_id.in_(bindparam("board_stages", expanding=True)))
    # The companies table is joined only when a filter needs it (fit tier, search):
    # with 50,000 companies the join alone costs more than the rest of the board.
    needs_company = bool(clean_fit_tiers(filters.get("fit_tier"))) \
        or bool(clean_search(filters.get("search")))
    totals_query = select(Deal.stage_id, Deal.currency, func.count(Deal.id),
                          func.sum(Deal.value)).select_from(Deal)
    if needs_company:
        totals_query = totals_query.join(Company, Company.id == Deal.company_id)
    totals_query = totals_query.where(*conds).group_by(Deal.stage_id, Deal.currency)
    card_query = (
        select(*CARD_COLUMNS, Company.name.label("company_name"),
               Company.fit_tier.label("fit_tier"), Company.fit_score.label("fit_score"),
               User.email.label("owner_email"))
        .join(Company, Company.id == Deal.company_id)
        .join(User, User.id == Deal.owner_id, isouter=True)
        .where(*conds, Deal.stage_id == bindparam("card_stage_id"))
        .order_by(Deal.stage_entered_at.desc(), Deal.id.desc())
        .limit(per_column_limit)
    )
    return totals_query, card_query


@functools.lru_cache(maxsize=64)
def _board_statements(some_stages: bool, per_column_limit: int) -> tuple:
    """The unfiltered board's statements, built once: building a SQLAlchemy select
    costs more than running it on the index, and a board is read on every open and
    after every move. The workspace and the stages are parameters."""
    return _filtered_board_statements({}, [], some_stages, per_column_limit)
