"""/companies/{id}/signals and /signals/{id} — buying signals; /today — the
ranked list of who to contact now; /kpis/follow-ups — their figures.

POST /companies/{id}/signals {"trigger": "recent funding", "occurred_on":
"YYYY-MM-DD", "note": ""}; each signal answers with "fresh" (inside its
trigger's window) and "days_ago". GET /today?scope=mine|team ->
{"items": [{"kind": "task"|"buying_signal"|"no_next_step"|"stalled", "rank",
"reason", "company_id", "deal_id", "task_id", ...}]} (services/crm/today.py has
the ranking rule).
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute
from updoot_app.api.routes_companies import DB, READ, WRITE, Body, to_json
from updoot_app.services.crm import signals, today_reads
from updoot_app.services.crm.follow_up_reads import workspace_today
from updoot_app.services.identity.access import Principal
from updoot_app.services.kpis import follow_up_figures
from updoot_app.services.kpis.periods import parse_period

router = APIRouter(tags=["signals"], route_class=SessionRoute)


class SignalIn(Body):
    trigger: str | None = None
    occurred_on: str | None = None
    note: str | None = None


def _out(data: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}


@router.get("/companies/{company_id}/signals")
def list_signals(company_id: int, p: Principal = READ, session: Session = DB) -> dict:
    rows = signals.list_signals(session, p.workspace_id, company_id)
    return {"items": [_out(r) for r in rows]}


@router.post("/companies/{company_id}/signals", status_code=201)
def record_signal(company_id: int, body: SignalIn, p: Principal = WRITE,
                  session: Session = DB) -> dict:
    row = signals.record_signal(session, p, company_id, body.model_dump(exclude_unset=True))
    return _out(signals.signal_dict(row, workspace_today(session, p.workspace_id),
                                    signals.windows(session, p.workspace_id)))


@router.delete("/signals/{signal_id}", status_code=204)
def delete_signal(signal_id: int, p: Principal = WRITE, session: Session = DB) -> Response:
    signals.delete_signal(session, p, signal_id)
    return Response(status_code=204)


@router.get("/kpis/follow-ups")
def follow_up_kpis(p: Principal = READ, session: Session = DB, period: str | None = None) -> dict:
    """Follow-ups done per member in the period, the share of open deals with a next
    step, and the win rate of deals opened within 30 days of a signal vs the rest."""
    when = parse_period(period)
    return {"period": when.to_dict(), **follow_up_figures.follow_up_figures(
        session, p.workspace_id, when)}


@router.get("/today")
def today(p: Principal = READ, session: Session = DB, scope: str | None = None,
          limit: int = today_reads.LIMIT) -> dict:
    items = today_reads.today_items(session, p, scope=scope, limit=max(1, min(limit, 200)))
    return {"items": to_json([i.to_dict() for i in items])}
