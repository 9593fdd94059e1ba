"""/stages — the configurable pipeline stages."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute
from updoot_app.api.routes_companies import DB, READ, WRITE, Body
from updoot_app.services.crm import stages
from updoot_app.services.identity.access import Principal

router = APIRouter(tags=["stages"], route_class=SessionRoute)


class StageIn(Body):
    name: str | None = None
    probability: int | None = None
    position: int | None = None


class StagePatch(Body):
    name: str | None = None
    probability: int | None = None


class StageOrder(Body):
    ids: list[int]


def _listing(session: Session, workspace_id: int) -> dict:
    rows = [stages.stage_dict(s) for s in stages.list_stages(session, workspace_id)]
    return {"items": rows, "total": len(rows), "page": 1, "page_size": max(1, len(rows))}


@router.get("/stages")
def list_stages(p: Principal = READ, session: Session = DB) -> dict:
    return _listing(session, p.workspace_id)


@router.post("/stages", status_code=201)
def create_stage(body: StageIn, p: Principal = WRITE, session: Session = DB) -> dict:
    stage = stages.create_stage(session, p, body.name,
                                0 if body.probability is None else body.probability,
                                body.position)
    return stages.stage_dict(stage)


@router.get("/stages/{stage_id}")
def get_stage(stage_id: int, p: Principal = READ, session: Session = DB) -> dict:
    return stages.stage_dict(stages.get_stage(session, p.workspace_id, stage_id))


@router.patch("/stages/{stage_id}")
def update_stage(stage_id: int, body: StagePatch, p: Principal = WRITE,
                 session: Session = DB) -> dict:
    stage = stages.update_stage(session, p, stage_id, body.model_dump(exclude_unset=True))
    return stages.stage_dict(stage)


@router.delete("/stages/{stage_id}", status_code=204)
def delete_stage(stage_id: int, p: Principal = WRITE, session: Session = DB) -> Response:
    stages.delete_stage(session, p, stage_id)
    return Response(status_code=204)


@router.post("/stages/reorder")
def reorder_stages(body: StageOrder, p: Principal = WRITE, session: Session = DB) -> dict:
    stages.reorder_stages(session, p, body.ids)
    return _listing(session, p.workspace_id)
