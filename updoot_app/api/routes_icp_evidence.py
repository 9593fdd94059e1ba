"""What the sales history says about profiles: an ICP suggested from your best
customers, the backtest of an ICP, and a persona's insights.

``POST /icps/suggest`` answers a draft in the shape of ``POST /icps`` (nothing is
saved), its evidence, the attributes without enough data, and the backtests of
the draft and of the workspace's current ICPs; ``GET /icps/{id}/backtest`` the
backtest of one ICP; ``GET /personas/{id}/insights`` the objections heard from a
persona (last 90 days), those worth adding to it, and the win rate with and
without it in the buying committee. All only read: any role may call them. 422
names the field; a row of another workspace answers 404.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute, get_session, principal
from updoot_app.services.crm import persona_insights
from updoot_app.services.identity.access import Principal
from updoot_app.services.kpis import icp_history

router = APIRouter(tags=["icps"], route_class=SessionRoute)

SuggestBody = Body(None, examples=[{"best": "won"}, {"best": "top_revenue", "top": 20},
                                   {"best": "tag", "tag": "strategic"}])


@router.post("/icps/suggest")
def suggest_icp(request: Any = SuggestBody, p: Principal = Depends(principal),
                s: Session = Depends(get_session)) -> dict[str, Any]:
    return icp_history.suggest_icp(s, p, request)


@router.get("/icps/{icp_id}/backtest")
def backtest_icp(icp_id: int, p: Principal = Depends(principal),
                 s: Session = Depends(get_session)) -> dict[str, Any]:
    return icp_history.backtest_icp(s, p, icp_id)


@router.get("/personas/{persona_id}/insights")
def persona_insights_of(persona_id: int, p: Principal = Depends(principal),
                        s: Session = Depends(get_session)) -> dict[str, Any]:
    return persona_insights.persona_insights(s, p, persona_id)
