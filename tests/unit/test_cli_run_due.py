"""`updoot jobs run-due --date`: the recurring invoices and reminders of a day, now
(the clock the browser test moves)."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner

from tests.unit.mail_helpers import outbox_rows
from tests.unit.test_recurring import START, people, schedule, source_invoice  # noqa: F401
from tests.unit.test_reminders import DUE, STEPS, sent_invoice, set_schedule
from updoot_app.cli import main


def run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_run_due_makes_the_days_invoices_and_reminders_once(alice, people, smtp_sink):  # noqa: F811
    set_schedule(alice, steps=STEPS)
    iid = sent_invoice(alice, people["jane"], people["acme"])
    src = source_invoice(alice, people)
    schedule(alice, src, count=1)
    code, out = run("jobs", "run-due", "--date", (START - timedelta(days=1)).isoformat())
    assert code == 0, out
    assert out.endswith(": 0 recurring invoices created, 1 payment reminder queued, "
                        "2 earlier step(s) skipped.\n")          # the source, overdue
    day = (DUE + timedelta(days=7)).isoformat()
    code, out = run("jobs", "run-due", "--date", day)
    # the period of START, and a reminder for iid and for the invoice it made
    assert code == 0 and "1 recurring invoice created, 2 payment reminders queued" in out
    code, out = run("jobs", "run-due", "--date", day)
    assert out == f"{day}: 0 recurring invoices created, 0 payment reminders queued.\n"
    reminded = [r.invoice_id for r in outbox_rows()]
    assert len(reminded) == 3 and len(set(reminded)) == 3 and {iid, src} <= set(reminded)


def test_run_due_refuses_a_bad_date(database):
    code, out = run("jobs", "run-due", "--date", "tomorrow")
    assert code == 2 and "--date must be a date" in out
