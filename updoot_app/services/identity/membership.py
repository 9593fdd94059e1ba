"""Membership checks other contexts ask of identity (an owner must be a member)."""

from __future__ import annotations

from sqlmodel import Session, select

from updoot_app.models import Membership
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_ref


def check_member(session: Session, workspace_id: int, raw: object,
                 field: str = "owner_id") -> int | None:
    """An optional user id that must belong to a member of the workspace."""
    if raw is None or raw == "":
        return None
    user_id = clean_ref(raw, field, "Owner")
    member = session.exec(
        select(Membership.id).where(Membership.workspace_id == workspace_id,
                                    Membership.user_id == user_id)
    ).first()
    if member is None:
        raise ValidationError(field, "The owner must be a member of this workspace.")
    return user_id
