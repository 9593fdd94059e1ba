"""`db.event_connection`, the connection a state event's session check and move
share, and `db.connection_scope`, the driver-level transaction on it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from updoot_app import db
from updoot_app.services.identity.access import resolve_session


def _count_workspaces(conn) -> int:
    return conn.connection.driver_connection.execute("SELECT count(*) FROM workspaces") \
        .fetchone()[0]


def test_sqlite_keeps_one_connection_per_thread_across_events(alice, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only: PostgreSQL checks one out of the pool per event")
    with db.event_connection() as first:
        assert resolve_session(first, alice.token).user_id == alice.user_id
    with db.event_connection() as second:
        assert second is first
    other: list = []

    def in_another_thread():
        with db.event_connection() as conn:
            other.append(conn)
            _count_workspaces(conn)

    thread = threading.Thread(target=in_another_thread)
    thread.start()
    thread.join()
    assert other and other[0] is not first


def test_postgres_returns_the_connection_to_the_pool(alice, database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only")
    with db.event_connection() as conn:
        assert resolve_session(conn, alice.token).user_id == alice.user_id
    assert conn.closed


def test_a_failed_event_rolls_back_and_gives_its_connection_up(alice, database_url):
    with db.event_connection() as conn:
        pass
    with pytest.raises(RuntimeError), db.event_connection() as failing:
        with db.connection_scope(write=True) as tx:
            tx.connection.driver_connection.execute(
                "UPDATE workspaces SET stale_after_days = 99")
            raise RuntimeError("handler failed")
    assert failing.closed
    with db.event_connection() as after:
        if database_url.startswith("sqlite"):
            assert after is not conn
        with db.connection_scope() as tx:
            assert tx.connection.driver_connection.execute(
                "SELECT max(stale_after_days) FROM workspaces").fetchone()[0] != 99


def test_a_transaction_left_open_is_not_carried_to_the_next_event(alice, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite: only there is a connection kept between events")
    with db.event_connection() as conn:
        conn.connection.driver_connection.execute("BEGIN IMMEDIATE")
        conn.connection.driver_connection.execute("UPDATE workspaces SET stale_after_days = 77")
    assert conn.closed
    with db.session_scope() as s:  # rolled back, and the write lock is free again
        assert s.execute(text("SELECT max(stale_after_days) FROM workspaces")).scalar() != 77
        s.execute(text("UPDATE workspaces SET stale_after_days = 15"))


def test_connection_scope_commits_on_the_event_connection(alice):
    with db.event_connection() as conn, db.connection_scope(write=True) as tx:
        assert tx is conn
        tx.connection.driver_connection.execute("UPDATE workspaces SET stale_after_days = 21")
    with db.session_scope() as s:
        assert s.execute(text("SELECT min(stale_after_days) FROM workspaces")).scalar() == 21


def test_orm_work_inside_a_driver_transaction_is_refused(alice):
    with pytest.raises(db.DriverTransactionError), db.connection_scope(write=True) as tx:
        tx.execute(text("UPDATE workspaces SET stale_after_days = 5"))
    with db.session_scope() as s:
        assert s.execute(text("SELECT max(stale_after_days) FROM workspaces")).scalar() != 5


def test_configure_drops_the_kept_connection(alice, database_url):
    with db.event_connection() as conn:
        pass
    db.configure(database_url)
    with db.event_connection() as again:
        assert again is not conn
        assert _count_workspaces(again) == 1


def test_a_connection_closed_by_the_handler_is_replaced(alice, database_url):
    with db.event_connection() as conn:
        conn.close()
    with db.event_connection() as again:
        assert again is not conn and not again.closed
        assert resolve_session(again, alice.token).user_id == alice.user_id
