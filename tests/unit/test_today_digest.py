"""The Today list by email: opt in and out, queued once a day per member at the
workspace's morning, nothing for an empty list, delivered to a real SMTP server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.unit.mail_helpers import deliver_all, outbox_rows
from tests.unit.today_helpers import principal, task
from updoot_app import db
from updoot_app.models import Workspace
from updoot_app.services.mail import today_digest
from updoot_app.services.platform.errors import ValidationError

EARLY = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)    # 06:00 in Berlin: not yet
MORNING = datetime(2026, 12, 7, 7, 30, tzinfo=UTC)  # 08:30 in Berlin, Bob's 07:30 (UTC)


def queue(now):
    with db.session_scope() as s:
        return today_digest.queue_due_digests(s, now)


def test_digest_once_a_day_at_the_workspaces_morning(alice, bob, smtp_sink):
    with db.session_scope() as s:
        ws = s.get(Workspace, alice.workspace_id)
        ws.time_zone = "Europe/Berlin"
        s.add(ws)
        assert today_digest.set_digest(s, principal(alice), True) is True
        assert today_digest.set_digest(s, principal(bob), True) is True  # an empty list
        with pytest.raises(ValidationError):
            today_digest.set_digest(s, principal(alice), "yes")
    task(alice, now=MORNING, title="Call Dana", due_on="2026-12-05")
    assert queue(EARLY) == 0
    assert queue(MORNING) == 1
    assert queue(MORNING) == 0  # the same day: once
    [row] = outbox_rows()
    assert row.kind == "digest" and row.to_addrs == alice.email
    assert row.subject == "Today in Alice Co: 1 to do"
    assert "1. Overdue 2 days: Call Dana" in row.body
    assert [o.status for o in deliver_all()] == ["sent"]
    assert "Call Dana" in smtp_sink.messages[0].get_content()
    with db.session_scope() as s:
        today_digest.set_digest(s, principal(alice), False)
        assert not today_digest.wants_digest(s, principal(alice))
    assert queue(datetime(2026, 12, 8, 7, 0, tzinfo=UTC)) == 0  # opted out
