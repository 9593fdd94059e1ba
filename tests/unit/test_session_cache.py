"""Resolved sessions reused while the auth epoch holds (services/identity/session_cache.py,
migration 0010_auth_epoch), on SQLite and PostgreSQL.

Every change below is made with plain SQL on a connection of its own, as another
worker, the CLI or an operator would: the triggers, not the app's code paths, are
what must end a reuse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from updoot_app import db
from updoot_app.services.identity import access, auth, sessions
from updoot_app.services.identity.session_cache import SessionCache
from updoot_app.services.platform.errors import AuthRequired

TABLES = ("auth_sessions", "users", "memberships", "workspaces")
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


class CountingLookup:
    """Counts the full session lookups (the cache's misses)."""

    def __init__(self, monkeypatch):
        self.calls = 0
        original = access._SESSION_LOOKUP.first

        def first(conn, params=None):
            self.calls += 1
            return original(conn, params)

        monkeypatch.setattr(access._SESSION_LOOKUP, "first", first)


@pytest.fixture
def lookups(monkeypatch):
    access._resolved.clear()
    return CountingLookup(monkeypatch)


def resolve(token):
    with db.get_engine().connect() as conn:
        return access.resolve_session(conn, token)


def sql(statement: str, **params) -> None:
    with db.get_engine().begin() as conn:
        conn.execute(text(statement), params)


def version():
    with db.get_engine().connect() as conn:
        return conn.execute(text("SELECT version FROM auth_epoch WHERE id = 1")).scalar()


# --- the cache itself ------------------------------------------------------------

def test_an_entry_is_served_only_at_its_version_and_before_it_expires():
    cache = SessionCache()
    cache.put(7, "d", NOW + timedelta(hours=1), "p")
    assert cache.get(7, "d", NOW) == "p"
    assert cache.get(8, "d", NOW) is None
    assert cache.get(7, "other", NOW) is None
    assert cache.get(7, "d", NOW + timedelta(hours=1)) is None
    assert cache.get(None, "d", NOW) is None


def test_without_a_version_nothing_is_kept_and_a_full_cache_starts_afresh():
    cache = SessionCache(max_entries=2)
    cache.put(None, "a", NOW + timedelta(hours=1), "p")
    assert len(cache) == 0
    for digest in ("a", "b", "c"):
        cache.put(1, digest, NOW + timedelta(hours=1), digest)
    assert len(cache) == 1 and cache.get(1, "c", NOW) == "c"


# --- reuse, and what ends it -----------------------------------------------------

def test_a_session_resolved_once_is_reused_at_the_same_version(alice, lookups):
    first = resolve(alice.token)
    assert resolve(alice.token) == first
    assert lookups.calls == 1


def test_logout_ends_a_reused_session(alice, lookups):
    resolve(alice.token)
    with db.session_scope() as s:
        sessions.end_session(s, alice.token)
    with pytest.raises(AuthRequired):
        resolve(alice.token)


@pytest.mark.parametrize("change, check", [
    ("UPDATE auth_sessions SET revoked_at = created_at", None),
    ("UPDATE auth_sessions SET expires_at = created_at", None),
    ("DELETE FROM auth_sessions", None),
    ("DELETE FROM memberships", None),
    ("DELETE FROM workspaces", None),
    ("UPDATE memberships SET role = 'viewer'", lambda p: p.role == "viewer"),
    ("UPDATE workspaces SET name = 'Renamed'", lambda p: p.workspace_name == "Renamed"),
    ("UPDATE users SET email = 'new@example.com'", lambda p: p.email == "new@example.com"),
])
def test_a_change_made_elsewhere_is_seen_by_the_next_event(alice, lookups, change, check):
    resolve(alice.token)
    sql(change)
    if check is None:
        with pytest.raises(AuthRequired):
            resolve(alice.token)
    else:
        assert check(resolve(alice.token))
    assert lookups.calls == 2


def test_another_users_sign_up_does_not_end_reuse(alice, lookups):
    resolve(alice.token)
    with db.session_scope() as s:
        auth.signup(s, "carol@example.com", "correct horse battery", "Carol Co")
    resolve(alice.token)
    assert lookups.calls == 1


def test_without_the_epoch_row_every_event_reads_the_session(alice, lookups):
    sql("DELETE FROM auth_epoch")
    resolve(alice.token)
    resolve(alice.token)
    assert lookups.calls == 2
    sql("UPDATE workspaces SET name = 'Back'")  # any change writes the row again
    assert version() is not None


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("verb", ["UPDATE", "DELETE"])
def test_each_table_a_session_resolves_through_changes_the_version(alice, table, verb):
    before = version()
    if verb == "UPDATE":
        sql(f"UPDATE {table} SET id = id")
    else:
        sql(f"DELETE FROM {table}")
    assert version() != before


def test_postgres_truncate_changes_the_version(alice):
    if not db.get_engine().dialect.name == "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    before = version()
    sql("TRUNCATE auth_sessions")
    assert version() != before


def test_postgres_writers_of_the_same_rows_in_another_order_do_not_deadlock(alice):
    """The version is bumped at COMMIT (deferred triggers): a transaction waiting for
    another's row lock never holds the version row that the other one needs."""
    if not db.get_engine().dialect.name == "postgresql":
        pytest.skip("SQLite has one writer at a time")
    from concurrent.futures import ThreadPoolExecutor

    engine = db.get_engine()
    one, two = engine.connect(), engine.connect()
    try:
        one.begin()
        two.begin()
        one.execute(text("SET LOCAL lock_timeout = '5s'"))
        two.execute(text("SET LOCAL lock_timeout = '5s'"))
        one.execute(text("UPDATE users SET name = 'One'"))
        two.execute(text("UPDATE auth_sessions SET expires_at = expires_at"))
        with ThreadPoolExecutor(1) as pool:
            waiting = pool.submit(one.execute,
                                  text("UPDATE auth_sessions SET expires_at = expires_at"))
            two.commit()  # an immediate trigger would wait here for `one`'s version row
            waiting.result(timeout=10)
        one.commit()
    finally:
        one.close()
        two.close()
    assert resolve(alice.token).name == "One"
