"""/competitors (battlecards), their win/loss stats, and the deal–competitor link.

Battlecard Markdown fields go in and out as raw text; the response also
carries `html` with each field rendered safely (services/platform/markdown_safe.py).
Win rates always come with their n: {"won": 1, "lost": 0, "n": 1,
"win_rate": 1.0, "percent": 100, "label": "100% (n=1)"}.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute
from updoot_app.api.routes_companies import DB, READ, WRITE, Body, to_json
from updoot_app.services.competitors import battlecards, deal_links, win_loss
from updoot_app.services.identity.access import Principal

router = APIRouter(tags=["competitors"], route_class=SessionRoute)


class CompetitorIn(Body):
    name: str | None = None
    website: str | None = None
    target: dict[str, Any] | None = None
    strengths: str | None = None
    weaknesses: str | None = None
    where_they_win: str | None = None
    gaps: str | None = None
    pricing_notes: str | None = None
    talk_track: str | None = None
    reviewed: bool | None = None


class DealCompetitorIn(Body):
    competitor_id: int | None = None


def _out(session: Session, p: Principal, competitor) -> dict:
    out = battlecards.competitor_out(session, competitor)
    out["stats"] = win_loss.summary(session, p.workspace_id, competitor.id)
    return out


@router.get("/competitors")
def list_competitors(p: Principal = READ, session: Session = DB) -> dict:
    sums = win_loss.summaries(session, p.workspace_id)
    empty = win_loss.no_deals_summary()
    items = []
    for c in battlecards.list_competitors(session, p.workspace_id):
        row = battlecards.competitor_out(session, c, html=False)
        row["stats"] = sums.get(c.id, empty)
        items.append(row)
    return {"items": items, "total": len(items), "page": 1, "page_size": max(1, len(items))}


@router.post("/competitors", status_code=201)
def create_competitor(body: CompetitorIn, p: Principal = WRITE, session: Session = DB) -> dict:
    data = body.model_dump(exclude_unset=True)
    reviewed = data.pop("reviewed", None)
    competitor = battlecards.create_competitor(session, p, data)
    if reviewed:
        battlecards.mark_reviewed(session, p, competitor.id)
    return _out(session, p, competitor)


@router.get("/competitors/{competitor_id}")
def get_competitor(competitor_id: int, p: Principal = READ, session: Session = DB) -> dict:
    return _out(session, p, battlecards.get_competitor(session, p.workspace_id, competitor_id))


@router.patch("/competitors/{competitor_id}")
def update_competitor(competitor_id: int, body: CompetitorIn, p: Principal = WRITE,
                      session: Session = DB) -> dict:
    """Partial update; {"reviewed": true} stamps the review date and reviewer."""
    data = body.model_dump(exclude_unset=True)
    reviewed = data.pop("reviewed", None)
    competitor = battlecards.update_competitor(session, p, competitor_id, data)
    if reviewed:
        battlecards.mark_reviewed(session, p, competitor.id)
    return _out(session, p, competitor)


@router.delete("/competitors/{competitor_id}", status_code=204)
def delete_competitor(competitor_id: int, p: Principal = WRITE,
                      session: Session = DB) -> Response:
    battlecards.delete_competitor(session, p, competitor_id)
    return Response(status_code=204)


@router.get("/competitors/{competitor_id}/stats")
def competitor_stats_route(competitor_id: int, p: Principal = READ,
                           session: Session = DB) -> dict:
    stats = win_loss.competitor_stats(session, p.workspace_id, competitor_id)
    return to_json(stats)


@router.get("/deals/{deal_id}/competitors")
def deal_competitors(deal_id: int, p: Principal = READ, session: Session = DB) -> dict:
    rows = [_out(session, p, c)
            for c in deal_links.competitors_on_deal(session, p.workspace_id, deal_id)]
    return {"items": rows, "total": len(rows), "page": 1, "page_size": max(1, len(rows))}


@router.post("/deals/{deal_id}/competitors")
def attach_competitor(deal_id: int, body: DealCompetitorIn, response: Response,
                      p: Principal = WRITE, session: Session = DB) -> dict:
    """201 when attached now, 200 when it already was."""
    link, created = deal_links.attach(session, p, deal_id, body.competitor_id)
    response.status_code = 201 if created else 200
    return {"deal_id": link.deal_id, "competitor_id": link.competitor_id, "created": created}


@router.delete("/deals/{deal_id}/competitors/{competitor_id}", status_code=204)
def detach_competitor(deal_id: int, competitor_id: int, p: Principal = WRITE,
                      session: Session = DB) -> Response:
    deal_links.detach(session, p, deal_id, competitor_id)
    return Response(status_code=204)
