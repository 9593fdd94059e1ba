"""0012 (reminders and recurring invoices) on a database that has data at 0011:
the rows stay, the new tables come and go with upgrade and downgrade."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlmodel import select

from tests.unit.billing_helpers import new_invoice, principal
from updoot_app import db, migrations
from updoot_app.models import Invoice, ReminderSettings
from updoot_app.services.billing import invoices
from updoot_app.services.mail import reminder_schedule

NEW_TABLES = {"reminder_settings", "reminder_steps", "reminder_sends", "recurring_invoices",
              "recurring_runs"}


def tables() -> set[str]:
    return set(inspect(db.get_engine()).get_table_names())


def test_0012_from_0011_with_data_and_back(alice):
    iid = new_invoice(alice)
    invoices.finalise(principal(alice), iid)
    with db.session_scope() as s:
        reminder_schedule.update_schedule(s, principal(alice), {"enabled": True, "steps": []})
    migrations.downgrade("0011_mail_outbox")
    try:
        assert not tables() & NEW_TABLES
        migrations.upgrade("0012_reminders_recurring")
    finally:
        migrations.upgrade()
    assert NEW_TABLES <= tables()
    with db.session_scope() as s:
        assert s.exec(select(Invoice.number).where(Invoice.id == iid)).one().startswith("INV-")
        assert s.get(ReminderSettings, alice.workspace_id) is None   # its table was rebuilt
        reminder_schedule.update_schedule(s, principal(alice), {"enabled": True, "steps": []})
    with db.session_scope() as s:
        assert reminder_schedule.get_schedule(s, alice.workspace_id)["enabled"] is True
