"""/deals (with stage moves and history) and /pipeline (the kanban board).

PATCH /deals/{id} {"stage": "Won"} moves a deal; {"stage": "Lost",
"lost_reason": "..."} needs the reason. "stage" is a stage name or id.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute
from updoot_app.api.routes_companies import DB, READ, WRITE, Body, MoneyStr, paged, to_json
from updoot_app.services.crm import deal_reads, deals
from updoot_app.services.identity.access import Principal

router = APIRouter(tags=["deals"], route_class=SessionRoute)


class DealIn(Body):
    company_id: int | None = None
    title: str | None = None
    value: MoneyStr = None
    currency: str | None = None
    stage: int | str | None = None
    owner_id: int | None = None
    expected_close: str | None = None
    lost_reason: str | None = None


@router.get("/deals")
def list_deals(p: Principal = READ, session: Session = DB, stage: str | None = None,
               owner_id: int | None = None, fit_tier: str | None = None,
               search: str | None = None, company_id: int | None = None,
               competitor_id: int | None = None, next_step: str | None = None,
               sort: str = "created_at", direction: str = "desc", page: int = 1,
               page_size: int = 25) -> dict:
    """`next_step=none`: open deals without an open follow-up."""
    rows, total = deal_reads.list_deals(session, p.workspace_id, stage=stage, owner_id=owner_id,
                                        fit_tier=fit_tier, search=search, company_id=company_id,
                                        competitor_id=competitor_id, next_step=next_step,
                                        sort=sort,
                                        direction=direction, page=page, page_size=page_size)
    return paged(rows, total, page, page_size)


@router.post("/deals", status_code=201)
def create_deal(body: DealIn, p: Principal = WRITE, session: Session = DB) -> dict:
    deal = deals.create_deal(session, p, body.model_dump(exclude_unset=True))
    return to_json(deal_reads.deal_dict(session, deal))


@router.get("/deals/{deal_id}")
def get_deal(deal_id: int, p: Principal = READ, session: Session = DB) -> dict:
    deal = deal_reads.get_deal(session, p.workspace_id, deal_id)
    return to_json(deal_reads.deal_dict(session, deal))


@router.patch("/deals/{deal_id}")
def update_deal(deal_id: int, body: DealIn, p: Principal = WRITE,
                session: Session = DB) -> dict:
    deal = deals.update_deal(session, p, deal_id, body.model_dump(exclude_unset=True))
    return to_json(deal_reads.deal_dict(session, deal))


@router.delete("/deals/{deal_id}", status_code=204)
def delete_deal(deal_id: int, p: Principal = WRITE, session: Session = DB) -> Response:
    deals.delete_deal(session, p, deal_id)
    return Response(status_code=204)


@router.get("/deals/{deal_id}/stage-changes")
def deal_stage_changes(deal_id: int, p: Principal = READ, session: Session = DB) -> dict:
    rows = deal_reads.stage_history(session, p.workspace_id, deal_id)
    return paged(rows, len(rows), 1, max(1, len(rows)))


@router.get("/pipeline")
def pipeline(p: Principal = READ, session: Session = DB, owner_id: int | None = None,
             fit_tier: str | None = None, search: str | None = None,
             company_id: int | None = None, competitor_id: int | None = None,
             per_column_limit: int = 50) -> dict:
    filters = {k: v for k, v in {"owner_id": owner_id, "fit_tier": fit_tier, "search": search,
                                 "company_id": company_id,
                                 "competitor_id": competitor_id}.items() if v is not None}
    result = deal_reads.board(session, p.workspace_id, filters=filters,
                              per_column_limit=per_column_limit)
    columns = []
    for column in result["columns"]:
        data = to_json({k: v for k, v in column.items() if k not in ("cards", "groups")},
                       result["currency"])
        data["cards"] = to_json(column["cards"])
        columns.append(data)
    return {**to_json({k: v for k, v in result.items() if k != "columns"}), "columns": columns}
