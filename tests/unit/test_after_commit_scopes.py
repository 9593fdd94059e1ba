"""Work handed over "after commit" runs once the rows are visible to another
connection, in both transaction scopes, and never after a rollback."""

from __future__ import annotations

import pytest
from sqlmodel import select

from updoot_app import db
from updoot_app.db import call_after_commit
from updoot_app.models import Workspace


def _seen_from_another_connection(slug: str) -> bool:
    with db.session_scope() as other:
        return other.exec(select(Workspace).where(Workspace.slug == slug)).first() is not None


@pytest.mark.parametrize("scope", ["session_scope", "write_scope"])
def test_the_callback_runs_after_commit_and_sees_the_row(database, scope):
    seen = []
    with getattr(db, scope)() as session:
        session.add(Workspace(name="W", slug="after-commit"))
        session.flush()
        call_after_commit(session, lambda: seen.append(
            _seen_from_another_connection("after-commit")))
        assert seen == []
    assert seen == [True]


@pytest.mark.parametrize("scope", ["session_scope", "write_scope"])
def test_the_callback_never_runs_after_a_rollback(database, scope):
    seen = []
    with pytest.raises(RuntimeError), getattr(db, scope)() as session:
        session.add(Workspace(name="W", slug="rolled-back"))
        session.flush()
        call_after_commit(session, lambda: seen.append(True))
        raise RuntimeError("the action failed")
    assert seen == [] and not _seen_from_another_connection("rolled-back")
