"""The Today list's reads: the candidates of each section, one query per table
(follow-ups, signals, deals), never a query per row, handed to the pure engine
(today.py) that ranks them and says why each is there.

Sections: follow-ups overdue and due today (the caller's, or the whole team's
for an admin who asks for it), companies in buying mode (A/B fit, a fresh
signal, no open deal), open deals without a next step, and stalled fit deals.
Each read is capped: it takes its section's `limit` most urgent rows in an
index's order (follow-ups by due day, the caller's or the team's; signals newest
first, a company once; open deals most valuable first), and the engine ranks those
by the full rule; when the follow-ups due fill the list, nothing else is read. A
list shows at most `limit` lines anyway, so a workspace with 100,000 follow-ups
reads about as much as one with ten (bench/bench_today.py). The cost:
among more than `limit` rows of one section, a line the SQL order puts later
(a 3-day overdue A-fit follow-up behind fifty older ones) waits until those are
done.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_
from sqlmodel import Session, select

from updoot_app.models import (
    DEFAULT_FRESH_DAYS,
    BuyingSignal,
    Company,
    Contact,
    Deal,
    FollowUp,
    Stage,
    User,
    Workspace,
)
from updoot_app.models.types import utcnow
from updoot_app.services.crm import today as engine
from updoot_app.services.crm.follow_up_reads import open_follow_up_on_deal
from updoot_app.services.crm.signals import window_of, windows
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.clock import aware, local_today
from updoot_app.services.platform.errors import ValidationError

LIMIT = 50
SCOPES = ("mine", "team")


def _rows(session: Session, statement) -> list:
    """Plain rows on the session's connection: no ORM loading for a read of columns."""
    return session.connection().execute(statement).all()


def _company(cid, name, tier, score) -> engine.Company | None:
    return None if cid is None else engine.Company(cid, name, tier, score)


def _tasks(session: Session, ws: int, today, assignee_id: int | None, n: int) -> list:
    conds = [FollowUp.workspace_id == ws, FollowUp.done_at.is_(None), FollowUp.due_on <= today]
    if assignee_id is not None:
        conds.append(FollowUp.assignee_id == assignee_id)
    rows = _rows(
        session, select(FollowUp.id, FollowUp.title, FollowUp.kind, FollowUp.due_on, FollowUp.deal_id,
               FollowUp.company_id, Company.name, Company.fit_tier, Company.fit_score,
               Contact.first_name, Contact.last_name, User.email)
        .join(Company, Company.id == FollowUp.company_id, isouter=True)
        .join(Contact, Contact.id == FollowUp.contact_id, isouter=True)
        .join(User, User.id == FollowUp.assignee_id, isouter=True)
        .where(*conds).order_by(FollowUp.due_on, FollowUp.id).limit(n))
    return [engine.TaskCandidate(
        id=r[0], title=r[1], kind=r[2], due_on=r[3], deal_id=r[4],
        company=_company(r[5], r[6], r[7], r[8]),
        contact_name=" ".join(x for x in (r[9], r[10]) if x),
        assignee=(r[11] or "").split("@")[0]) for r in rows]


def _open_deal_of_company():
    return exists(select(Deal.id).join(Stage, Stage.id == Deal.stage_id)
                  .where(Deal.company_id == Company.id, Stage.kind == "open"))


def _signals(session: Session, ws: int, today, n: int) -> list:
    by_trigger = windows(session, ws)
    oldest = today - timedelta(days=max([DEFAULT_FRESH_DAYS, *by_trigger.values()]))
    rows = _rows(
        session, select(BuyingSignal.id, BuyingSignal.trigger, BuyingSignal.occurred_on,
               Company.id, Company.name, Company.fit_tier, Company.fit_score)
        .join(Company, Company.id == BuyingSignal.company_id)
        .where(BuyingSignal.workspace_id == ws, BuyingSignal.occurred_on > oldest,
               BuyingSignal.occurred_on <= today,
               Company.workspace_id == ws, Company.fit_tier.in_(engine.BUYING_TIERS),
               ~_open_deal_of_company())
        .order_by(BuyingSignal.occurred_on.desc(), BuyingSignal.id.desc())
        .limit(n))
    best: dict[int, engine.SignalCandidate] = {}
    for sid, trigger, occurred, cid, name, tier, score in rows:
        candidate = engine.SignalCandidate(sid, trigger, occurred, window_of(trigger, by_trigger),
                                           engine.Company(cid, name, tier, score))
        if not engine.is_fresh(occurred, today, candidate.window_days):
            continue
        kept = best.get(cid)
        if kept is None or engine.freshness_points(occurred, today, candidate.window_days) > \
                engine.freshness_points(kept.occurred_on, today, kept.window_days):
            best[cid] = candidate
    return list(best.values())


def _deals(session: Session, ws: int, now: datetime, stale_days: int, n: int) -> list:
    has_next = open_follow_up_on_deal()
    idle_since = now - timedelta(days=stale_days)
    # The deals' own copy of their company's fit tier (kept by triggers) filters before
    # any company is read: walking ix_deals_ws_value, the read stops at the LIMIT.
    rows = _rows(
        session, select(Deal.id, Deal.title, Deal.value, Deal.currency, Deal.stage_entered_at,
               Deal.last_activity_at, Stage.name, has_next.label("has_next"),
               Company.id, Company.name, Company.fit_tier, Company.fit_score)
        .join(Stage, Stage.id == Deal.stage_id)
        .join(Company, Company.id == Deal.company_id)
        .where(Deal.workspace_id == ws, Stage.kind == "open",
               or_(~has_next, and_(Deal.company_fit_tier.in_(engine.BUYING_TIERS),
                                   Deal.last_activity_at < idle_since)))
        .order_by(Deal.value.desc(), Deal.id.desc()).limit(n))
    return [engine.DealCandidate(
        id=r[0], title=r[1], value=r[2], currency=r[3],
        days_in_stage=max(0, (now - aware(r[4])).days), days_idle=max(0, (now - aware(r[5])).days),
        stage=r[6], has_next_step=bool(r[7]), company=engine.Company(r[8], r[9], r[10], r[11]))
        for r in rows]


def today_items(session: Session, principal: Principal, *, scope: object = None,
                now: datetime | None = None, limit: int = LIMIT) -> list[engine.Item]:
    """The ranked Today list of the caller. `scope` "mine" (default for members)
    or "team" (the default for admins; members may not ask for it)."""
    if scope in (None, ""):
        scope = "team" if principal.can("admin") else "mine"
    if scope not in SCOPES:
        raise ValidationError("scope", "Scope must be mine or team.")
    if scope == "team":
        principal.require("admin")
    now = now or utcnow()
    ws = principal.workspace_id
    zone_name, stale_days = session.exec(
        select(Workspace.time_zone, Workspace.stale_after_days).where(Workspace.id == ws)).one()
    today = local_today(now, zone_name)
    tasks = _tasks(session, ws, today, None if scope == "team" else principal.user_id, limit)
    if len(tasks) >= limit:
        # A section never overtakes the one above it (today.py): with a full list of
        # follow-ups due, no signal or deal can make it, so they are not read.
        return engine.build(today, tasks, [], [], limit=limit)
    return engine.build(today, tasks, _signals(session, ws, today, limit),
                        _deals(session, ws, now, stale_days, limit), limit=limit)
