"""One-click demo workspaces: created seeded, logged in, purged after an age."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, SQLModel, select

from updoot_app.models import Membership, User, Workspace
from updoot_app.models.types import utcnow
from updoot_app.services.demo import seed, story
from updoot_app.services.identity import sessions, workspaces
from updoot_app.services.identity.access import principal_for
from updoot_app.services.platform import activity
from updoot_app.settings import load_settings

DEMO_EMAIL_DOMAIN = "demo.updoot.invalid"


def create_demo(session: Session, *, companies: int = 120) -> tuple[Workspace, str]:
    """A fresh, isolated demo workspace with a throwaway user; returns a session token."""
    suffix = secrets.token_hex(4)
    user = User(email=f"demo-{suffix}@{DEMO_EMAIL_DOMAIN}", name="Demo visitor",
                password_hash="", is_demo=True)
    session.add(user)
    session.flush()
    workspace = workspaces.create_workspace(session, user.id, f"Demo {suffix}", is_demo=True)
    seed.seed_workspace(session, workspace.id, [user.id], companies=companies,
                        seed=int(suffix, 16))
    story.tell(session, principal_for(session, user.id, workspace.id), seed=int(suffix, 16))
    activity.log(session, workspace_id=workspace.id, user_id=user.id, action="demo.create",
                 entity_type="workspace", entity_id=workspace.id, summary="Demo workspace created")
    return workspace, sessions.start_session(session, user.id, workspace.id)


def purge_old_demos(session: Session, max_age_hours: int | None = None) -> int:
    """Delete demo workspaces (and their throwaway users) older than the age limit."""
    hours = load_settings().demo_max_age_hours if max_age_hours is None else max_age_hours
    cutoff = utcnow() - timedelta(hours=hours)
    old = session.exec(
        select(Workspace.id).where(Workspace.is_demo.is_(True), Workspace.created_at < cutoff)
    ).all()
    if not old:
        return 0
    demo_users = session.exec(
        select(User.id).join(Membership, Membership.user_id == User.id)
        .where(Membership.workspace_id.in_(old), User.is_demo.is_(True))
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
