"""Goals: metric × segment × period → target, with progress and pace.

Targets are in the metric's unit (rates as percentages). Reads need any role,
writes need "member"; another workspace's goal answers 404.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Response
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute, get_session, principal, role
from updoot_app.services.identity.access import Principal
from updoot_app.services.kpis import goals

router = APIRouter(tags=["goals"], route_class=SessionRoute)

GOAL_EXAMPLE = {"metric": "revenue", "period": "2026-Q4", "target": "250000.00",
                "segment_type": "fit_tier", "segment_value": "A"}
GoalBody = Body(..., examples=[GOAL_EXAMPLE])
GoalPatchBody = Body(..., examples=[{"target": "300000.00"}])


@router.get("/goals")
def list_goals(p: Principal = Depends(principal),
               s: Session = Depends(get_session)) -> list[dict[str, Any]]:
    return goals.goal_outs(s, goals.list_goals(s, p))


@router.post("/goals", status_code=201)
def create_goal(payload: dict[str, Any] = GoalBody, p: Principal = Depends(role("member")),
                s: Session = Depends(get_session)) -> dict[str, Any]:
    return goals.goal_out(s, goals.create_goal(s, p, payload))


@router.get("/goals/{goal_id}")
def get_goal(goal_id: str, p: Principal = Depends(principal),
             s: Session = Depends(get_session)) -> dict[str, Any]:
    return goals.goal_out(s, goals.get_goal(s, p, goal_id))


@router.patch("/goals/{goal_id}")
def update_goal(goal_id: str, payload: dict[str, Any] = GoalPatchBody,
                p: Principal = Depends(role("member")),
                s: Session = Depends(get_session)) -> dict[str, Any]:
    return goals.goal_out(s, goals.update_goal(s, p, goal_id, payload))


@router.delete("/goals/{goal_id}", status_code=204)
def delete_goal(goal_id: str, p: Principal = Depends(role("member")),
                s: Session = Depends(get_session)) -> Response:
    goals.delete_goal(s, p, goal_id)
    return Response(status_code=204)
