"""Everything the dashboard page shows, computed in one place (the state and the
benchmark call this): the workspace at a glance, the figures of the period
(``period_figures``), the progress of every goal, and the ICP calibration ("Is our
ICP working?").

``compute`` takes no session: it opens its own, one per worker thread. On a large
workspace the independent aggregate queries run on a few threads, each with its own
session (a session is not shared between threads; SQLite in WAL mode and PostgreSQL
both serve concurrent readers, and the database driver releases the GIL while a
query runs). Identical queries are shared through ``memo.memoized`` (one running in
another thread is awaited).
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
from updoot_app.services.kpis import at_a_glance, calibration, goals, memo, period_figures
from updoot_app.services.kpis.periods import parse_period
from updoot_app.services.kpis.segments import ALL, Segment

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
            now: datetime | None = None, seg: Segment = ALL) -> dict:
    """``seg`` narrows the period's figures (KPIs, funnel, trend, tiers); the
    workspace at a glance, the goals and the calibration are the whole workspace's."""
    if period not in DASHBOARD_PERIODS:
        period = "quarter"
    when = parse_period(period)
    ws = principal.workspace_id
    reads = period_figures.figure_reads(ws, when, seg)

    def in_session(fn):
        def run():
            with db.session_scope() as session:
                return fn(session)
        return run

    def fit(session) -> dict:
        # The calibration right after the tier breakdown, on the same thread: it
        # reuses the breakdown's grouped query (closed_by_fit).
        return {"by_tier": reads["by_tier"](session),
                "calibration": calibration.criterion_lift(session, ws, when)}

    # Longest first (the pool starts tasks in this order). The goals come last: those
    # on fit tier / ICP of this period wait for the calibration's grouped query.
    tasks = {
        "fit": fit,
        "funnel": reads["funnel"],
        "summary": reads["summary"],
        "trend": reads["trend"],
        "invoiced": reads["invoiced"],
        "paid": reads["paid"],
        "overview": lambda s: at_a_glance.overview(s, ws),
        "goals": lambda s: goals.goal_outs(s, goals.list_goals(s, principal), now, {when}),
    }
    with memo.memoized():
        with db.session_scope() as session:
            small = _deal_count_below(session, ws, PARALLEL_FROM) < PARALLEL_FROM
            if small:
                done = {name: fn(session) for name, fn in tasks.items()}
        if not small:
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                futures = {name: pool.submit(contextvars.copy_context().run, in_session(fn))
                           for name, fn in tasks.items()}
                done = {name: f.result() for name, f in futures.items()}
    by_tier = done["fit"]["by_tier"]
    return {
        "period": when,
        "figures": period_figures.figures_from(when, {**done, "by_tier": by_tier}),
        "by_tier": calibration.with_total(by_tier),
        "goals": done["goals"],
        "calibration": done["fit"]["calibration"],
        "overview": done["overview"],
    }
