"""SQLite WAL: a transaction that reads, then writes after another connection
wrote, fails at once unless it began IMMEDIATE. `db.writing()` makes it queue."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from updoot_app import db


def _race(database_url, use_writing: bool) -> list[str]:
    """Two transactions read, then both write the same row at once."""
    barrier = threading.Barrier(2, timeout=2)
    errors: list[str] = []

    def work():
        try:
            ctx = db.writing() if use_writing else _nothing()
            with ctx, db.session_scope() as s:
                s.execute(text("SELECT count(*) FROM workspaces")).one()
                try:
                    barrier.wait()
                except threading.BrokenBarrierError:
                    pass  # with the lock taken at BEGIN the other waits: fine
                s.execute(text("UPDATE workspaces SET stale_after_days = stale_after_days + 1"))
        except Exception as exc:  # noqa: BLE001 - recorded for the assertion
            errors.append(type(exc).__name__ + ": " + str(exc).splitlines()[0])

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return errors


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_writing_transactions_queue_instead_of_failing(alice, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite behaviour")
    barrier_timeout_ok = _race(database_url, use_writing=True)
    assert barrier_timeout_ok == []
    with db.session_scope() as s:
        assert s.execute(text("SELECT stale_after_days FROM workspaces")).scalar_one() == 16


def test_without_it_the_upgrade_fails(alice, database_url):
    """Documents the failure `writing()` prevents (if SQLite ever stops failing
    here, this test can go)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite behaviour")
    errors = _race(database_url, use_writing=False)
    assert any("locked" in e for e in errors), errors
