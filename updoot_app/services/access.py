"""Who is calling: resolve a session or API token to a Principal and check its role.

Every state handler (through `state.guard`) and every API route (through
`api.deps`) goes through `resolve_session` / `resolve_api_token` and
`Principal.require`. There is no other way in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, bindparam, update
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


# Columns, not entities, and one statement object: every event of every tab comes
# through here, and loading four ORM objects cost five times the query itself.
_SESSION_LOOKUP = (
    select(AuthSession.id, AuthSession.revoked_at, AuthSession.expires_at,
           User.id, User.email, User.name, Membership.role,
           Workspace.id, Workspace.name, Workspace.slug, Workspace.is_demo)
    .join(User, User.id == AuthSession.user_id)
    .outerjoin(Membership, (Membership.user_id == AuthSession.user_id)
               & (Membership.workspace_id == AuthSession.workspace_id))
    .outerjoin(Workspace, Workspace.id == Membership.workspace_id)
    .where(AuthSession.token_hash == bindparam("digest"))
)


def resolve_session(session: Session | Connection, raw_token: object) -> Principal:
    """The Principal behind a browser session token, or AuthRequired. One query, on a
    session or on a bare connection (the guard's: no ORM session needed)."""
    if not isinstance(raw_token, str) or not (20 <= len(raw_token) <= 200):
        raise AuthRequired()
    conn = session.connection() if isinstance(session, Session) else session
    row = conn.execute(_SESSION_LOOKUP, {"digest": token_hash(raw_token)}).first()
    if row is None:
        raise AuthRequired("Your session has ended. Please log in again.")
    (session_id, revoked_at, expires_at, user_id, email, name, role,
     workspace_id, workspace_name, slug, is_demo) = row
    if revoked_at is not None or expires_at <= utcnow():
        raise AuthRequired("Your session has ended. Please log in again.")
    if role is None or workspace_id is None:
        raise AuthRequired("You are no longer a member of this workspace.")
    return Principal(user_id=user_id, email=email, name=name, workspace_id=workspace_id,
                     workspace_name=workspace_name, workspace_slug=slug, role=role,
                     is_demo=bool(is_demo), session_id=session_id)


_TOKEN_LOOKUP = (
    select(ApiToken.id, ApiToken.revoked_at, ApiToken.last_used_at,
           User.id, User.email, User.name, Membership.role,
           Workspace.id, Workspace.name, Workspace.slug, Workspace.is_demo)
    .join(User, User.id == ApiToken.user_id)
    .outerjoin(Membership, (Membership.user_id == ApiToken.user_id)
               & (Membership.workspace_id == ApiToken.workspace_id))
    .outerjoin(Workspace, Workspace.id == Membership.workspace_id)
    .where(ApiToken.token_hash == bindparam("digest"))
)
STAMP_EVERY = timedelta(minutes=5)


def lookup_api_token(conn: Session | Connection, raw_token: object) -> tuple[Principal, bool]:
    """The Principal behind an API token and whether its last_used_at is due a new
    stamp (at most every STAMP_EVERY), read without writing anything."""
    if not isinstance(raw_token, str) or not (20 <= len(raw_token) <= 200):
        raise AuthRequired("Missing or invalid API token.")
    conn = conn.connection() if isinstance(conn, Session) else conn
    row = conn.execute(_TOKEN_LOOKUP, {"digest": token_hash(raw_token)}).first()
    if row is None or row[1] is not None:
        raise AuthRequired("Missing or invalid API token.")
    (token_id, _revoked, last_used, user_id, email, name, role,
     workspace_id, workspace_name, slug, is_demo) = row
    if role is None or workspace_id is None:
        raise AuthRequired("You are no longer a member of this workspace.")
    found = Principal(user_id=user_id, email=email, name=name, workspace_id=workspace_id,
                      workspace_name=workspace_name, workspace_slug=slug, role=role,
                      is_demo=bool(is_demo), token_id=token_id)
    return found, last_used is None or utcnow() - last_used > STAMP_EVERY


def stamp_api_token(session: Session, token_id: int) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id)
                    .values(last_used_at=utcnow()))


def resolve_api_token(session: Session, raw_token: object) -> Principal:
    """The Principal behind an API token, stamping its last_used_at when due."""
    found, due = lookup_api_token(session, raw_token)
    if due:
        stamp_api_token(session, found.token_id)
    return found
