"""Users, workspaces, memberships, sessions, API tokens, invites."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from updoot_app.models.types import utcnow

ROLES = ("owner", "admin", "member", "viewer")


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(320), unique=True, nullable=False, index=True))
    name: str = Field(default="", max_length=200)
    password_hash: str = Field(default="", max_length=255)
    is_demo: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)


class Workspace(SQLModel, table=True):
    __tablename__ = "workspaces"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    slug: str = Field(sa_column=Column(String(80), unique=True, nullable=False, index=True))
    currency: str = Field(default="USD", max_length=3)
    is_demo: bool = Field(default=False, index=True)
    stale_after_days: int = Field(default=14)
    # The workspace's calendar: "due today" and "overdue" are days in this IANA zone.
    time_zone: str = Field(default="UTC", max_length=64,
                           sa_column_kwargs={"server_default": "UTC"})
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Membership(SQLModel, table=True):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


class AuthSession(SQLModel, table=True):
    """A browser session. Only the SHA-256 of the token is stored."""

    __tablename__ = "auth_sessions"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False, index=True))
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class AuthEpoch(SQLModel, table=True):
    """One row (id 1) whose `version` takes a new random value, set by database
    triggers (migration 0010_auth_epoch), in the same transaction as any change to a
    row a browser session resolves through: a session updated or deleted (logout,
    revocation, expiry purge), a user, a membership (role, removal) or a workspace
    (rename, deletion). Workers keep resolved sessions while it is unchanged
    (services/identity/session_cache.py). No row: nothing is kept."""

    __tablename__ = "auth_epoch"
    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(sa_column=Column(BigInteger, nullable=False))


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_tokens"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=16)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False, index=True))
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class Invite(SQLModel, table=True):
    __tablename__ = "invites"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspaces.id", index=True, ondelete="CASCADE")
    email: str = Field(max_length=320)
    role: str = Field(max_length=16)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False, index=True))
    invited_by: int = Field(foreign_key="users.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    accepted_at: datetime | None = None
    revoked_at: datetime | None = None


class LoginAttempt(SQLModel, table=True):
    """Failed logins, kept in the database so the limit holds across workers."""

    __tablename__ = "login_attempts"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, index=True)
    attempted_at: datetime = Field(default_factory=utcnow, index=True)
