"""One-click demo workspaces: created seeded, logged in, purged after an age.

A demo has its visitor (the throwaway user who clicked "Try the demo") and a small
sales team of named people who own its companies and deals; they are users who
cannot log in, members of that demo only, and go with it when it is purged.
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, select

from updoot_app.models import Membership, User, Workspace
from updoot_app.models.types import utcnow
from updoot_app.services.demo import firmographics, names, story
from updoot_app.services.identity import sessions, workspaces
from updoot_app.services.identity.access import principal_for
from updoot_app.services.kpis.periods import period_of
from updoot_app.services.platform import activity
from updoot_app.settings import load_settings

DEMO_EMAIL_DOMAIN = "demo.updoot.invalid"
TEAM_SIZE = 3


def create_demo(session: Session, *, companies: int = 120, seed: int | None = None,
                now: datetime | None = None) -> tuple[Workspace, str]:
    """A fresh, isolated demo workspace with a throwaway user; returns a session token.

    The same ``seed`` gives the same data (names, tiers, outcomes, dates relative to
    ``now``); without one, each demo draws its own."""
    suffix = secrets.token_hex(4)
    seed = int(suffix, 16) if seed is None else seed
    now = now or utcnow()
    user = User(email=f"demo-{suffix}@{DEMO_EMAIL_DOMAIN}", name="Demo visitor",
                password_hash="", is_demo=True)
    session.add(user)
    session.flush()
    workspace = workspaces.create_workspace(session, user.id, f"Demo {suffix}", is_demo=True)
    rng = random.Random(seed)
    team = _team(session, workspace.id, rng, f"demo-{suffix}.{names.TEAM_EMAIL_DOMAIN}")
    firmographics.seed_companies(session, workspace.id, team,
                                 companies=companies, rng=rng, now=now,
                                 quarter_start=period_of("quarter", now.date()).start)
    story.tell(session, principal_for(session, user.id, workspace.id), seed=seed, now=now)
    activity.log(session, workspace_id=workspace.id, user_id=user.id, action="demo.create",
                 entity_type="workspace", entity_id=workspace.id, summary="Demo workspace created")
    return workspace, sessions.start_session(session, user.id, workspace.id)


def _team(session: Session, workspace_id: int, rng: random.Random, domain: str) -> list[int]:
    """The demo's sales team: named members who cannot log in, with emails under a
    domain of their demo's own (unique, and reserved: nobody receives them)."""
    return [workspaces.add_member_without_login(
                session, workspace_id, email=names.person_email(first, last, domain),
                name=f"{first} {last}", is_demo=True).id
            for first, last in rng.sample(names.TEAM, TEAM_SIZE)]


def purge_old_demos(session: Session, max_age_hours: int | None = None) -> int:
    """Delete demo workspaces older than the age limit, with their demo users (the
    visitor and the seeded team) who are members of no other workspace."""
    hours = load_settings().demo_max_age_hours if max_age_hours is None else max_age_hours
    cutoff = utcnow() - timedelta(hours=hours)
    old = session.exec(
        select(Workspace.id).where(Workspace.is_demo.is_(True), Workspace.created_at < cutoff)
    ).all()
    if not old:
        return 0
    other = aliased(Membership)
    elsewhere = select(other.id).where(other.user_id == User.id,
                                       other.workspace_id.not_in(old))
    demo_users = session.exec(
        select(User.id).join(Membership, Membership.user_id == User.id)
        .where(Membership.workspace_id.in_(old), User.is_demo.is_(True), ~elsewhere.exists())
        .distinct()
    ).all()
    delete_workspaces(session, list(old))
    if demo_users:
        session.exec(delete(User).where(User.id.in_(demo_users)))
    return len(old)


def delete_workspaces(session: Session, workspace_ids: list[int]) -> None:
    """Delete workspaces with every row they own, children before parents."""
    for table in reversed(SQLModel.metadata.sorted_tables):
        if "workspace_id" in table.c:
            session.exec(delete(table).where(table.c.workspace_id.in_(workspace_ids)))
    session.exec(delete(Workspace).where(Workspace.id.in_(workspace_ids)))
