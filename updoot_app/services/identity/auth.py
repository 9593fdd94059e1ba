"""Sign-up, login (rate-limited), password change.

The browser sessions these start and end are `identity.sessions`."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from updoot_app.models import LoginAttempt, Membership, User
from updoot_app.models.types import utcnow
from updoot_app.services.identity import sessions, workspaces
from updoot_app.services.platform import activity, security
from updoot_app.services.platform.errors import AuthRequired, RateLimited, ValidationError
from updoot_app.services.platform.validation import clean_email, clean_password, clean_text
from updoot_app.settings import load_settings

LOGIN_FAILED = "Invalid email or password."


def _default_workspace_id(session: Session, user_id: int) -> int | None:
    return session.exec(
        select(Membership.workspace_id)
        .where(Membership.user_id == user_id)
        .order_by(Membership.id)
    ).first()


def signup(session: Session, email: object, password: object, workspace_name: object,
           name: object = "") -> tuple[User, str]:
    """Create a user with their own workspace (as owner) and return a session token."""
    email = clean_email(email)
    password = clean_password(password)
    workspace_name = clean_text(workspace_name, "workspace_name", "Workspace name", max_len=80)
    name = clean_text(name, "name", "Name", max_len=200, required=False)
    if email_has_account(session, email):
        # Sign-up cannot help revealing a taken address; say it without detail.
        raise ValidationError("email", "This email cannot be used to sign up. Try logging in.")
    user = User(email=email, name=name, password_hash=security.hash_password(password))
    session.add(user)
    session.flush()
    workspace = workspaces.create_workspace(session, user.id, workspace_name)
    activity.log(session, workspace_id=workspace.id, user_id=user.id, action="user.signup",
                 entity_type="user", entity_id=user.id, summary=f"{email} signed up")
    return user, sessions.start_session(session, user.id, workspace.id)


def _limit_keys(email: str, client_ip: str | None) -> list[str]:
    # Keys fit the 64-character column: a prefix and 48 hex digits of SHA-256.
    keys = ["email:" + security.token_hash(email)[:48]]
    if client_ip:
        keys.append("ip:" + security.token_hash(client_ip)[:48])
    return keys


def _check_rate_limit(session: Session, keys: list[str]) -> None:
    settings = load_settings()
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    for key in keys:
        limit = settings.login_max_failures * (4 if key.startswith("ip:") else 1)
        count = session.exec(
            select(func.count()).select_from(LoginAttempt)
            .where(LoginAttempt.key == key, LoginAttempt.attempted_at >= since)
        ).one()
        if count >= limit:
            raise RateLimited(
                f"Too many login attempts. Try again in {settings.login_window_minutes} minutes."
            )


def login(session: Session, email: object, password: object, *,
          client_ip: str | None = None, previous_token: object = None) -> str:
    """Check credentials and return a fresh session token (the old one is revoked).

    The same message answers an unknown email and a wrong password, and both
    verify an argon2 hash, so neither words nor timing tell them apart.
    """
    normalised = email.strip().lower() if isinstance(email, str) else ""
    keys = _limit_keys(normalised, client_ip)
    _check_rate_limit(session, keys)
    user = session.exec(select(User).where(User.email == normalised)).first() if normalised else None
    ok = security.verify_password(user.password_hash if user else None,
                                  password if isinstance(password, str) else "")
    workspace_id = _default_workspace_id(session, user.id) if (ok and user) else None
    if not ok or user is None or workspace_id is None:
        for key in keys:
            session.add(LoginAttempt(key=key))
        # The failure must count even though the caller's transaction rolls back.
        session.commit()
        raise AuthRequired(LOGIN_FAILED)
    if security.needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
        session.add(user)
    session.exec(delete(LoginAttempt).where(LoginAttempt.key == keys[0]))
    sessions.end_session(session, previous_token)
    return sessions.start_session(session, user.id, workspace_id)


def change_password(session: Session, user_id: int, current: object, new: object,
                    keep_session_id: int | None = None) -> None:
    user = session.get(User, user_id)
    if user is None or not security.verify_password(
        user.password_hash, current if isinstance(current, str) else ""
    ):
        raise ValidationError("current_password", "Your current password is not right.")
    new = clean_password(new, "new_password")
    user.password_hash = security.hash_password(new)
    session.add(user)
    # Every other session of this user ends: a changed password locks others out.
    sessions.revoke_sessions(session, user_id, keep_id=keep_session_id)


def email_has_account(session: Session, email: str) -> bool:
    return session.exec(select(User.id).where(User.email == email)).first() is not None
