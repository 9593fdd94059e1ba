"""Shared fixtures: a migrated database (SQLite, and PostgreSQL when
UPDOOT_TEST_POSTGRES_URL is set), users and workspaces to act as."""

from __future__ import annotations

import os
import secrets
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

# The job queue's SQLite file (updoot_app/jobs/queue.py) of this test process, never
# the project's data/ folder. Set before anything imports the queue.
os.environ.setdefault("UPDOOT_JOBS_DB", os.path.join(
    tempfile.gettempdir(), f"updoot-test-jobs-{os.getpid()}.db"))

from updoot_app import db, migrations  # noqa: E402


def _cheap_password_hashing() -> None:
    """Argon2 at production cost makes every sign-up ~0.1 s; tests use a cheap one."""
    from argon2 import PasswordHasher

    from updoot_app.services.platform import security

    security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    security._DUMMY_HASH = security._hasher.hash("dummy")


_cheap_password_hashing()

POSTGRES_URL = os.environ.get("UPDOOT_TEST_POSTGRES_URL", "").strip()
BACKENDS = ["sqlite", "postgres"]


@contextmanager
def _private_postgres_database(url: str):
    """A database of our own on the server behind `url`, dropped afterwards, so
    concurrent test runs never share (or wipe) each other's tables."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from updoot_app.settings import normalise_database_url

    base = make_url(normalise_database_url(url))
    name = f"updoot_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        db.configure("sqlite://").dispose()  # release our connections first
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """A freshly migrated database per backend, for the whole session."""
    if request.param == "postgres":
        if not POSTGRES_URL:
            pytest.skip("UPDOOT_TEST_POSTGRES_URL is not set (CI sets it)")
        with _private_postgres_database(POSTGRES_URL) as url:
            db.configure(url)
            migrations.upgrade()
            yield url
        return
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    db.configure(url)
    migrations.upgrade()
    yield url


KEPT_TABLES = {"auth_epoch"}  # a singleton the migration writes, not data


def _wipe() -> None:
    from updoot_app.services.profiles import preview_cache

    preview_cache.clear()   # per-process caches keyed by ids the wipe lets come back
    engine = db.get_engine()
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)
              if t.name not in KEPT_TABLES]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
def database(database_url):
    """Each test starts from empty tables (schema from the migrations)."""
    db.configure(database_url)
    _wipe()
    yield database_url


@dataclass
class Actor:
    """A signed-up user in their own workspace, with a browser session token."""

    email: str
    password: str
    token: str
    user_id: int
    workspace_id: int
    workspace_slug: str


def make_actor(email: str, workspace: str = "Acme", password: str = "correct horse battery"):
    from sqlmodel import select

    from updoot_app.models import Workspace
    from updoot_app.services.identity import auth
    from updoot_app.services.identity.access import resolve_session

    with db.session_scope() as session:
        user, token = auth.signup(session, email, password, workspace)
    with db.session_scope() as session:
        p = resolve_session(session, token)
        slug = session.exec(select(Workspace.slug).where(Workspace.id == p.workspace_id)).one()
    return Actor(email, password, token, user.id, p.workspace_id, slug)


@pytest.fixture
def alice(database):
    return make_actor("alice@example.com", "Alice Co")


@pytest.fixture
def bob(database):
    return make_actor("bob@example.com", "Bob Ltd")


@pytest.fixture
def principal_of():
    from updoot_app.services.identity.access import resolve_session

    def get(actor: Actor):
        with db.session_scope() as session:
            return resolve_session(session, actor.token)

    return get


@pytest.fixture
def smtp_sink(monkeypatch):
    """A real SMTP server on loopback, and the app configured to send to it."""
    from tests.smtp_sink import SmtpSink

    sink = SmtpSink().start()
    monkeypatch.setenv("UPDOOT_SMTP_URL", sink.url)
    monkeypatch.setenv("UPDOOT_MAIL_FROM", "billing@updoot.test")
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def receiver(monkeypatch):
    """A webhook receiver on loopback (tests/webhook_receiver.py), private URLs
    allowed, and the activity log's webhook listener installed."""
    from tests.webhook_receiver import start_receiver
    from updoot_app.services.integrations import webhook_events

    monkeypatch.setenv("UPDOOT_WEBHOOKS_ALLOW_PRIVATE", "1")
    was_installed = webhook_events.install()
    r = start_receiver()
    try:
        yield r
    finally:
        r.stop()
        if not was_installed:
            webhook_events.uninstall()
