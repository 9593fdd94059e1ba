"""Browser sessions: started (sign-up, log-in, an accepted invite, the demo) and
ended (log-out, a changed password, removal from a workspace).

Only the token's hash is stored. Resolving a token back to its Principal on
every event is `access.resolve_session`. This module sits below both `auth` and
`workspaces`, which both start sessions, so neither has to import the other.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from updoot_app.models import AuthSession
from updoot_app.models.types import utcnow
from updoot_app.services.platform import security
from updoot_app.settings import load_settings

# The browser's cookie that carries the session token: set by the app's state
# (state/app_state.py), read by the few plain HTTP routes a page links to
# (api/routes_downloads.py).
SESSION_COOKIE = "updoot_session"


def start_session(session: Session, user_id: int, workspace_id: int) -> str:
    """Create a session row and return the raw token (only its hash is stored)."""
    raw = security.new_token()
    session.add(
        AuthSession(
            user_id=user_id,
            workspace_id=workspace_id,
            token_hash=security.token_hash(raw),
            expires_at=utcnow() + timedelta(days=load_settings().session_days),
        )
    )
    return raw


def end_session(session: Session, raw_token: object) -> None:
    if not isinstance(raw_token, str) or not raw_token:
        return
    auth = session.exec(
        select(AuthSession).where(AuthSession.token_hash == security.token_hash(raw_token))
    ).first()
    if auth is not None and auth.revoked_at is None:
        auth.revoked_at = utcnow()
        session.add(auth)


def revoke_sessions(session: Session, user_id: int, *, workspace_id: int | None = None,
                    keep_id: int | None = None) -> None:
    """End a user's live sessions (only those in `workspace_id` when given), all but
    `keep_id`: the caller's own session survives its password change."""
    query = select(AuthSession).where(AuthSession.user_id == user_id,
                                      AuthSession.revoked_at.is_(None))
    if workspace_id is not None:
        query = query.where(AuthSession.workspace_id == workspace_id)
    now = utcnow()
    for auth in session.exec(query).all():
        if auth.id != keep_id:
            auth.revoked_at = now
            session.add(auth)
