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

from updoot_app.models import ApiToken, AuthEpoch, AuthSession, Membership, User, Workspace
from updoot_app.models.types import utcnow
from updoot_app.prepared import Prepared
from updoot_app.services.identity.session_cache import SessionCache
from updoot_app.services.platform.errors import AuthRequired, Forbidden
from updoot_app.services.platform.security import token_hash

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


def _from_columns(user_id: int, email: str, name: str, role: str | None,
                  workspace_id: int | None, workspace_name: str, slug: str, is_demo: bool,
                  **ids) -> Principal:
    """A Principal from a user's and their membership's columns (the membership part is
    None when they are no longer a member of that workspace)."""
    if role is None or workspace_id is None:
        raise AuthRequired("You are no longer a member of this workspace.")
    return Principal(user_id=user_id, email=email, name=name, workspace_id=workspace_id,
                     workspace_name=workspace_name, workspace_slug=slug, role=role,
                     is_demo=bool(is_demo), **ids)


def _make(user: User, membership: Membership | None, workspace: Workspace | None,
          **ids) -> Principal:
    if membership is None or workspace is None:
        return _from_columns(user.id, user.email, user.name, None, None, "", "", False)
    return _from_columns(user.id, user.email, user.name, membership.role, workspace.id,
                         workspace.name, workspace.slug, workspace.is_demo, **ids)


def _principal(session: Session, user: User, workspace_id: int, **ids) -> Principal:
    row = session.exec(_membership(user.id, workspace_id)).first()
    return _make(user, *(row or (None, None)), **ids)


def principal_for(session: Session, user_id: int, workspace_id: int) -> Principal:
    """The principal of a member acting from the server itself (demo seeding, CLI)."""
    user = session.get(User, user_id)
    if user is None:
        raise AuthRequired("Unknown user.")
    return _principal(session, user, workspace_id)


def _credential_lookup(credential, *credential_columns):
    """One statement: a credential row (browser session or API token) by its digest
    (parameter ``digest``), with its user's and membership's columns. Columns, not
    entities: every event of every tab comes through here, and loading four ORM
    objects cost five times the query itself."""
    return (
        select(*credential_columns, User.id, User.email, User.name, Membership.role,
               Workspace.id, Workspace.name, Workspace.slug, Workspace.is_demo)
        .join(User, User.id == credential.user_id)
        .outerjoin(Membership, (Membership.user_id == credential.user_id)
                   & (Membership.workspace_id == credential.workspace_id))
        .outerjoin(Workspace, Workspace.id == Membership.workspace_id)
        .where(credential.token_hash == bindparam("digest"))
    )


def _bare(conn: Session | Connection) -> Connection:
    return conn.connection() if isinstance(conn, Session) else conn


def _lookup(conn: Session | Connection, statement: Prepared, raw_token: str):
    return statement.first(_bare(conn), {"digest": token_hash(raw_token)})


# Prepared (updoot_app/prepared.py): every event and API request runs one of these.
# A session that is revoked or past its expiry is not found at all. The auth epoch
# is read in the same statement as the session, so the two are consistent.
_EPOCH = select(AuthEpoch.version).where(AuthEpoch.id == 1)
_EPOCH_NOW = Prepared(_EPOCH)
_SESSION_LOOKUP = Prepared(
    _credential_lookup(AuthSession, AuthSession.id, AuthSession.expires_at,
                       _EPOCH.scalar_subquery())
    .where(AuthSession.revoked_at.is_(None), AuthSession.expires_at > bindparam("now")))
_resolved: SessionCache[Principal] = SessionCache()


def resolve_session(session: Session | Connection, raw_token: object) -> Principal:
    """The Principal behind a live browser session token, or AuthRequired; on a
    session or on a bare connection (the guard's: no ORM session needed).

    One row read when this process resolved the same token at the database's
    current auth epoch (identity/session_cache.py), else one query."""
    if not isinstance(raw_token, str) or not (20 <= len(raw_token) <= 200):
        raise AuthRequired()
    conn, digest, now = _bare(session), token_hash(raw_token), utcnow()
    epoch = _EPOCH_NOW.first(conn)
    version = None if epoch is None else epoch[0]
    kept = _resolved.get(version, digest, now)
    if kept is not None:
        return kept
    row = _SESSION_LOOKUP.first(conn, {"digest": digest, "now": now})
    if row is None:
        raise AuthRequired("Your session has ended. Please log in again.")
    session_id, expires_at, read_at, *member = row
    principal = _from_columns(*member, session_id=session_id)
    _resolved.put(read_at, digest, expires_at, principal)
    return principal


_TOKEN_LOOKUP = Prepared(_credential_lookup(ApiToken, ApiToken.id, ApiToken.revoked_at,
                                            ApiToken.last_used_at))
STAMP_EVERY = timedelta(minutes=5)


def lookup_api_token(conn: Session | Connection, raw_token: object) -> tuple[Principal, bool]:
    """The Principal behind an API token and whether its last_used_at is due a new
    stamp (at most every STAMP_EVERY), read without writing anything."""
    if not isinstance(raw_token, str) or not (20 <= len(raw_token) <= 200):
        raise AuthRequired("Missing or invalid API token.")
    row = _lookup(conn, _TOKEN_LOOKUP, raw_token)
    if row is None or row[1] is not None:
        raise AuthRequired("Missing or invalid API token.")
    token_id, _revoked, last_used, *member = row
    found = _from_columns(*member, token_id=token_id)
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
