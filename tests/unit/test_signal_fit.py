"""Buying signals in the stored fit: a fresh trigger counts as a match, a stale one
does not (and the explanation says stale), with an injected clock; the stored
score follows signals recorded, imported, deleted, windows changed, and the job
that rescores the companies whose signals went stale."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.unit.today_helpers import A_FIT, B_FIT, company, principal, signal, with_icp
from updoot_app import db
from updoot_app.jobs import tasks
from updoot_app.models import BuyingSignal, Company
from updoot_app.services.crm import signal_import, signals
from updoot_app.services.csvio.reading import read_csv_bytes
from updoot_app.services.profiles import fit, fit_refresh, signal_fit
from updoot_app.services.profiles.signal_fit import STALE_MARK, SignalsOn

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
TEN_DAYS_AGO = date(2026, 11, 26)


def stored(company_id: int) -> tuple:
    with db.session_scope() as s:
        c = s.get(Company, company_id)
        return c.fit_score, c.fit_tier


def triggers_result(actor, company_id: int) -> str:
    with db.session_scope() as s:
        f = fit.get_fit(s, principal(actor), company_id)
    return next(i["result"] for i in f["explanation"] if i["field"] == "triggers")


def evidence(actor, company_id: int, now: datetime) -> list[str]:
    with db.session_scope() as s:
        return [e["result"] for e in signals.trigger_evidence(s, actor.workspace_id, company_id,
                                                              now=now)]


def test_scoring_triggers_rule():
    on = SignalsOn(date(2026, 12, 6), {"new ciso": 30},
                   {1: {"recent funding": ("Recent funding", date(2026, 11, 26)),
                        "new ciso": ("New CISO", date(2026, 11, 1))}})
    # A typed trigger with dated signals: the dates decide; one without: kept.
    assert on.triggers(1, ["new CISO", "hiring"]) == [
        "hiring", STALE_MARK + "New CISO", "Recent funding"]
    assert on.triggers(2, ["hiring"]) == ["hiring"]
    assert on.triggers(None, None) == []
    assert on.stale_on() == {1: date(2027, 2, 24)}  # the later of 1 Dec and 24 Feb
    assert signal_fit.is_fresh(date(2026, 12, 6), date(2026, 12, 6))
    assert not signal_fit.is_fresh(date(2026, 9, 7), date(2026, 12, 6))  # 90 days old


def test_fresh_then_stale(alice):
    """A signal 10 days old: the trigger is matched (90 -> 100 · A). After the
    window the job rescores it without the trigger, and the explanation says stale."""
    with_icp(alice)
    acme = company(alice, "Acme", **A_FIT)
    assert stored(acme) == (90, "A") and triggers_result(alice, acme) == "unknown"
    signal(alice, acme, now=NOW, trigger="recent funding", occurred_on="2026-11-26")
    assert stored(acme) == (100, "A") and triggers_result(alice, acme) == "match"
    assert evidence(alice, acme, NOW) == ["match"]

    before = TEN_DAYS_AGO + timedelta(days=89)   # the last fresh day
    after = TEN_DAYS_AGO + timedelta(days=90)    # the first stale one
    at = lambda day: datetime(day.year, day.month, day.day, 12, tzinfo=UTC)  # noqa: E731
    assert fit_refresh.refresh_stale_fits(now=at(before)).rescored == {}
    assert stored(acme) == (100, "A")
    result = fit_refresh.refresh_stale_fits(now=at(after))
    assert result.rescored == {alice.workspace_id: 1}
    assert stored(acme) == (90, "A")
    assert triggers_result(alice, acme) == "miss"   # known and stale, not unknown
    assert evidence(alice, acme, at(after)) == ["stale"]
    with db.session_scope() as s:
        text = signals.trigger_evidence(s, alice.workspace_id, acme, now=at(after))[0]["text"]
    assert "stale, signal on 2026-11-26" in text
    # Run again (the hourly job): nothing to write, same fit.
    fit_refresh.refresh_stale_fits(now=at(after))
    assert stored(acme) == (90, "A")


def test_the_job_catches_a_day_missed_and_rewrites_only_changed_fits(alice, bob):
    with_icp(alice)
    with_icp(bob)
    acme = company(alice, "Acme", **A_FIT)
    other = company(bob, "Other", **A_FIT)
    signal(alice, acme, now=NOW, trigger="recent funding", occurred_on="2026-11-26")
    signal(bob, other, now=NOW, trigger="New CISO", occurred_on="2026-12-01")
    assert stored(acme) == stored(other) == (100, "A")
    # Three days after Acme's went stale (the worker was down): still caught.
    three_late = datetime(2027, 2, 27, 9, tzinfo=UTC)
    result = fit_refresh.refresh_stale_fits(now=three_late)
    assert result.workspaces == 2 and result.rescored == {alice.workspace_id: 1}
    assert stored(acme) == (90, "A") and stored(other) == (100, "A")


def test_the_periodic_task_runs_the_refresh(alice, monkeypatch):
    with_icp(alice)
    acme = company(alice, "Acme", **A_FIT)
    signal(alice, acme, trigger="recent funding",
           occurred_on=(datetime.now(UTC).date() - timedelta(days=89)).isoformat())
    assert stored(acme) == (100, "A")
    real = fit_refresh.refresh_stale_fits
    monkeypatch.setattr(fit_refresh, "refresh_stale_fits",
                        lambda now=None: real(now=datetime.now(UTC) + timedelta(days=2)))
    tasks.refresh_stale_fits.call_local()
    assert stored(acme) == (90, "A")


def test_window_change_delete_and_import_rescore(alice):
    with_icp(alice)
    acme = company(alice, "Acme", domain="acme.io", **A_FIT)
    sid = signal(alice, acme, trigger="recent funding",
                 occurred_on=(datetime.now(UTC).date() - timedelta(days=20)).isoformat())
    assert stored(acme) == (100, "A")
    with db.session_scope() as s:   # fresh for 10 days only: stale now
        signals.set_trigger_window(s, principal(alice), "Recent funding", 10)
    assert stored(acme) == (90, "A")
    with db.session_scope() as s:   # back to the default 90 days
        signals.set_trigger_window(s, principal(alice), "recent funding", "")
    assert stored(acme) == (100, "A")
    with db.session_scope() as s:
        signals.delete_signal(s, principal(alice), sid)
    assert stored(acme) == (90, "A") and triggers_result(alice, acme) == "unknown"
    csv = "domain,trigger,occurred_on\nacme.io,New CISO,2026-12-01\n"
    with db.session_scope() as s:
        out = signal_import.import_signals(s, principal(alice),
                                           read_csv_bytes(csv.encode()), now=NOW)
    assert out.imported == 1 and stored(acme) == (100, "A")


def test_a_typed_trigger_without_signals_still_counts(alice):
    """B_FIT has "new CISO" typed on the company and no signal: it matches (60 · B)."""
    with_icp(alice)
    b = company(alice, "B", **B_FIT)
    assert stored(b) == (60, "B")
    with db.session_scope() as s:
        fit.rescore_workspace(s, alice.workspace_id, now=NOW + timedelta(days=400))
    assert stored(b) == (60, "B")
    with db.session_scope() as s:
        s.add(BuyingSignal(workspace_id=alice.workspace_id, company_id=b, trigger="new ciso",
                           occurred_on=date(2026, 1, 1)))
    with db.session_scope() as s:   # now the (stale) dated signal decides
        fit.rescore_workspace(s, alice.workspace_id, now=NOW)
    assert stored(b) == (50, "C")
