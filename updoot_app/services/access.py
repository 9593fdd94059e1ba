"""Who is calling: resolve a session or API token to a Principal and check its role.

Every state handler (through `state.guard`) and every API route (through
`api.deps`) goes through `resolve_session` / `resolve_api_token` and
`Principal.require`. There is no other way in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from updoot_app.models import ApiToken, AuthSession, Membership, User, Workspace
from updoot_app.models.types import utcnow
from updoot_app.services.errors import AuthRequired, Forbidden
from updoot_app.services.security import token_hash

ROLE_RANK = {"viewer": 0, "member": 1, "admin": 2, "owner": 3}
ROLE_LABELS = {
    "owner": "Owner",
    "admin": "Admin",
    "member": "Member",
    "viewer": "Viewer (read only)",
}


@dataclass(frozen=True)
class Principal:
    user_id: int
    email: str
    name: str
    workspace_id: int
    workspace_name: str
    workspace_slug: str
    role: str
    is_demo: bool = False
    session_id: int | None = None
    token_id: int | None = None

    def can(self, min_role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[min_role]

    def require(self, min_role: str) -> Principal:
        if not self.can(min_role):
            if min_role == "member":
                raise Forbidden("Your role is read-only in this workspace.")
            raise Forbidden(f"Only an {min_role} or above can do this.")
        return self


def _membership(user_id: int, workspace_id: int):
    return (select(Membership, Workspace)
            .join(Workspace, Workspace.id == Membership.workspace_id)
            .where(Membership.user_id == user_id, Membership.workspace_id == workspace_id))


def _make(user: User, membership: Membership | None, workspace: Workspace | None,
          **ids) -> Principal:
    if membership is None or workspace is None:
        raise AuthRequired("You are no longer a member of this workspace.")
    return Principal(
        user_id=user.id,
        email=user.email,
        name=user.name,
        workspace_id=workspace.id,
        workspace_name=workspace.name,
        workspace_slug=workspace.slug,
        role=membership.role,
        is_demo=workspace.is_demo,
        **ids,
    )


def _principal(session: Session, user: User, workspace_id: int, **ids) -> Principal:
    row = session.exec(_membership(user.id, workspace_id)).first()
    return _make(user, *(row or (None, None)), **ids)


def principal_for(session: Session, user_id: int, workspace_id: int) -> Principal:
    """The principal of a member acting from the server itself (demo seeding, CLI)."""
    user = session.get(User, user_id)
    if user is None:
        raise AuthRequired("Unknown user.")
    return _principal(session, user, workspace_id)


def resolve_session(session: Session, raw_token: object) -> Principal:
    """The Principal behind a browser session token, or AuthRequired. One query:
    every event of every tab comes through here."""
    if not isinstance(raw_token, str) or not (20 <= len(raw_token) <= 200):
        raise AuthRequired()
    row = session.exec(
        select(AuthSession, User, Membership, Workspace)
        .join(User, User.id == AuthSession.user_id)
        .outerjoin(Membership, (Membership.user_id == AuthSession.user_id)
                   & (Membership.workspace_id == AuthSession.workspace_id))
        .outerjoin(Workspace, Workspace.id == Membership.workspace_id)
        .where(AuthSession.token_hash == token_hash(raw_token))
    ).first()
    if row is None:
        raise AuthRequired("Your session has ended. Please log in again.")
    auth, user, membership, workspace = row
    if auth.revoked_at is not None or auth.expires_at <= utcnow():
        raise AuthRequired("Your session has ended. Please log in again.")
    return _make(user, membership, workspace, session_id=auth.id)


def resolve_api_token(session: Session, raw_token: object) -> Principal:
    if not isinstance(raw_token, str) or not (20 <= len(raw_token) <= 200):
        raise AuthRequired("Missing or invalid API token.")
    token = session.exec(
        select(ApiToken).where(ApiToken.token_hash == token_hash(raw_token))
    ).first()
    if token is None or token.revoked_at is not None:
        raise AuthRequired("Missing or invalid API token.")
    user = session.get(User, token.user_id)
    if user is None:
        raise AuthRequired("Missing or invalid API token.")
    principal = _principal(session, user, token.workspace_id, token_id=token.id)
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now
        session.add(token)
    return principal
