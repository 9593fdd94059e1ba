"""Reads for the goal form: who can own a goal, and the stages a conversion-rate
goal can start from."""

from __future__ import annotations

from sqlmodel import Session, select

from updoot_app.models import Membership, User
from updoot_app.services.crm import stages


def goal_owners(session: Session, workspace_id: int) -> list[tuple[int, str]]:
    """The workspace's members by email: (user id, name or else email)."""
    rows = session.exec(
        select(User.id, User.name, User.email).join(Membership, Membership.user_id == User.id)
        .where(Membership.workspace_id == workspace_id).order_by(User.email)).all()
    return [(user_id, name or email) for user_id, name, email in rows]


def conversion_stages(session: Session, workspace_id: int) -> list[tuple[int, str]]:
    """The open stages in pipeline order, (id, name): a conversion-rate goal measures
    from one of them into the next (``goals`` accepts no other)."""
    return [(s.id, s.name) for s in stages.list_stages(session, workspace_id)
            if s.kind == "open"]
