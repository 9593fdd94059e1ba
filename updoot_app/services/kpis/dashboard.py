"""Everything the dashboard shows, computed in one place (the state and the
benchmark call this): the workspace overview, KPIs, funnel, trend and tier
breakdown for a period, the progress of every goal, and the ICP calibration
("Is our ICP working?").

On a large workspace the independent aggregate queries run on a few worker
threads, each with its own session (SQLite in WAL mode and PostgreSQL both serve
concurrent readers; the database driver releases the GIL while a query runs). Identical queries
are shared through ``kpis.memoized`` (one running in another thread is awaited).
"""

from __future__ import annotations

import contextvars
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy import func
from sqlmodel import select

from updoot_app import db
from updoot_app.models import Deal
from updoot_app.services.identity.access import Principal
from updoot_app.services.kpis import at_a_glance, goals
from updoot_app.services.kpis import calibration as icp_calibration
from updoot_app.services.kpis import metrics as kpis

DASHBOARD_PERIODS = ("month", "quarter", "year")
WORKERS = max(2, min(4, os.cpu_count() or 2))
# Below this many deals the queries run one after another in one session: on a small
# workspace each takes well under a millisecond and the threads, their sessions and
# the GIL hand-offs cost more than they save (and, under many users, steal CPU).
PARALLEL_FROM = 20_000


def _deal_count_below(session, workspace_id: int, cap: int) -> int:
    """The workspace's deal count, counted no further than ``cap`` (reads at most
    ``cap`` index entries, so it stays cheap on a million deals)."""
    ids = select(Deal.id).where(Deal.workspace_id == workspace_id).limit(cap).subquery()
    return int(session.exec(select(func.count()).select_from(ids)).one())


def compute(principal: Principal, period: object = "quarter",
            now: datetime | None = None) -> dict:
    if period not in DASHBOARD_PERIODS:
        period = "quarter"
    when = kpis.parse_period(period)
    ws = principal.workspace_id

    def in_session(fn):
        def run():
            with db.session_scope() as session:
                return fn(session)
        return run

    def summary(session) -> dict:
        stages = kpis.stages_of(session, ws)
        return {"closed": kpis.closed_summary(session, ws, when, kpis.ALL, stages),
                "pipeline": kpis.pipeline(session, ws, when, kpis.ALL, stages),
                "created": kpis.deals_created(session, ws, when),
                "leads": kpis.new_leads(session, ws, when),
                "fit_leads": kpis.icp_fit_leads(session, ws, when)}

    def fit(session) -> dict:
        rows = kpis.closed_by(session, ws, when, "fit_tier")
        return {"by_tier": rows,
                "calibration": icp_calibration.criterion_lift(session, ws, when)}

    # Longest first (the pool starts tasks in this order). The goals come last: those
    # on fit tier / ICP of this period wait for the calibration's grouped query.
    tasks = {
        "fit": fit,
        "funnel": lambda s: kpis.funnel(s, ws, when),
        "summary": summary,
        "trend": lambda s: kpis.trend(s, ws, when.end),
        "invoiced": lambda s: kpis.invoiced_revenue(s, ws, when),
        "paid": lambda s: kpis.paid_revenue(s, ws, when),
        "overview": lambda s: at_a_glance.overview(s, ws),
        "goals": lambda s: goals.goal_outs(s, goals.list_goals(s, principal), now, {when}),
    }
    with kpis.memoized():
        with db.session_scope() as session:
            small = _deal_count_below(session, ws, PARALLEL_FROM) < PARALLEL_FROM
            if small:
                done = {name: fn(session) for name, fn in tasks.items()}
        if not small:
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                futures = {name: pool.submit(contextvars.copy_context().run, in_session(fn))
                           for name, fn in tasks.items()}
                done = {name: f.result() for name, f in futures.items()}
    s = done["summary"]
    closed, pipe = s["closed"], s["pipeline"]
    won = closed["won"]
    funnel_rows = done["funnel"]
    figures = {
        "period": when,
        "summary": {
            "new_leads": s["leads"],
            "icp_fit_leads": s["fit_leads"],
            "deals_created": s["created"],
            "conversion_rate": kpis.Figure(
                funnel_rows[-1]["reached"] / funnel_rows[0]["reached"]
                if funnel_rows and funnel_rows[0]["reached"] else None,
                funnel_rows[0]["reached"] if funnel_rows else 0),
            "win_rate": kpis.Figure(won / closed["closed"] if closed["closed"] else None,
                                    closed["closed"], {"won": won, "lost": closed["lost"]}),
            "revenue": kpis.Figure(closed["won_value"], won),
            "revenue_invoiced": done["invoiced"],
            "revenue_paid": done["paid"],
            "pipeline_value": kpis.Figure(pipe["value"], pipe["open"]),
            "pipeline_weighted": kpis.Figure(pipe["weighted"], pipe["open"]),
            "avg_deal_size": kpis.avg_of(closed),
            "sales_cycle_days": kpis.cycle_of(closed),
        },
        "funnel": funnel_rows,
        "trend": done["trend"],
        "by_tier": done["fit"]["by_tier"],
    }
    return {
        "period": when,
        "figures": figures,
        "by_tier": icp_calibration.with_total(done["fit"]["by_tier"]),
        "goals": done["goals"],
        "calibration": done["fit"]["calibration"],
        "overview": done["overview"],
    }
