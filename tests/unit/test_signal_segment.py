"""The KPI segment "signal: fresh / none": a deal opened on the day of a signal on
its company or in the SIGNAL_LEAD_DAYS days before is fresh, every other deal is
none; the same rule behind every segmentable figure and the win rate by signal."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.unit.test_kpis import at, company, deal
from updoot_app import db
from updoot_app.models import BuyingSignal
from updoot_app.services.kpis import breakdowns, follow_up_figures, metric_catalog, trend
from updoot_app.services.kpis.periods import parse_period
from updoot_app.services.kpis.segments import (
    SIGNAL_LEAD_DAYS,
    Segment,
    clean_segment,
    parse_segment,
)
from updoot_app.services.platform.errors import ValidationError

NOV = parse_period("2026-11")
FRESH, NONE = Segment("signal", "fresh"), Segment("signal", "none")


def add_signal(ws: int, company_id: int, day: date, trigger: str = "recent funding") -> None:
    with db.session_scope() as s:
        s.add(BuyingSignal(workspace_id=ws, company_id=company_id, trigger=trigger,
                           occurred_on=day))


def value(ws, metric, seg, period=NOV):
    with db.session_scope() as s:
        return metric_catalog.metric_value(s, ws, metric, period, seg)


def test_clean_and_parse():
    assert clean_segment("signal", " Fresh ") == FRESH
    assert parse_segment("signal:none") == NONE
    assert FRESH.label == "Signal: fresh"
    for bad in ("stale", "yes", "1"):
        with pytest.raises(ValidationError, match="fresh or none"):
            clean_segment("signal", bad)
    with pytest.raises(ValidationError):
        parse_segment("signal:")


def test_the_lead_window_is_inclusive_at_both_ends(alice):
    """Opened on 20 Nov: a signal that day or up to 30 days before is fresh; 31 days
    before, or the day after, is not."""
    ws = alice.workspace_id
    opened = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)  # late in the (UTC) day
    cases = {"same day": date(2026, 11, 20), "30 days before": date(2026, 10, 21),
             "31 days before": date(2026, 10, 20), "day after": date(2026, 11, 21)}
    ids = {}
    for name, day in cases.items():
        cid = company(ws, name)
        add_signal(ws, cid, day)
        ids[name] = deal(ws, cid, ["New", "Won"], "100", created=opened, closed=at(25))
    assert SIGNAL_LEAD_DAYS == 30
    won = value(ws, "win_rate", FRESH)
    assert won.n == 2 and won.value == 1.0
    assert value(ws, "deals_created", FRESH).value == 2
    assert value(ws, "deals_created", NONE).value == 2
    assert value(ws, "revenue", NONE).value == 200


def test_figures_split_by_signal(alice, bob):
    ws = alice.workspace_id
    hot, cold = company(ws, "Hot"), company(ws, "Cold")
    add_signal(ws, hot, date(2026, 10, 20))
    add_signal(ws, hot, date(2026, 10, 22), "new CISO")  # two signals: still one deal
    # Opened 12 days after the signal (fresh) or 40 days after (none).
    for path, value_, cid, opened in ((["New", "Won"], "1000", hot, at(1)),
                                      (["New", "Lost"], "500", hot, at(1)),
                                      (["New", "Won"], "300", hot, at(30)),
                                      (["New", "Lost"], "200", cold, at(1)),
                                      (["New", "Lost"], "200", cold, at(2))):
        deal(ws, cid, path, value_, created=opened, closed=at(30))
    deal(ws, hot, ["New"], "700", created=at(3))  # open, fresh
    other = company(bob.workspace_id, "Bob's hot")  # another workspace's signal
    add_signal(bob.workspace_id, other, date(2026, 10, 20))
    deal(bob.workspace_id, other, ["New", "Won"], "9", created=at(1), closed=at(30))

    fresh_rate, none_rate = value(ws, "win_rate", FRESH), value(ws, "win_rate", NONE)
    assert (fresh_rate.value, fresh_rate.n) == (0.5, 2)
    assert (round(none_rate.value, 4), none_rate.n) == (0.3333, 3)
    assert value(ws, "revenue", FRESH).value == 1000
    assert value(ws, "pipeline_value", FRESH).value == 700
    assert value(ws, "pipeline_value", NONE).value == 0

    # The figure of follow_up_figures is these segments' win rates.
    with db.session_scope() as s:
        split = follow_up_figures.signal_win_rates(s, ws, NOV)
        rows = breakdowns.closed_by(s, ws, NOV, "fit_tier", FRESH)
        months = trend.trend(s, ws, datetime(2026, 12, 1, tzinfo=UTC), FRESH, months=1)
    assert split == {"fresh": {"won": 1, "lost": 1, "win_rate": 0.5},
                     "none": {"won": 1, "lost": 2, "win_rate": 0.3333}}
    assert [(r["key"], r["won"], r["lost"]) for r in rows] == [("none", 1, 1)]
    assert months[0]["deals_created"] == 3 and months[0]["won"] == 1


def test_leads_by_signal(alice):
    """A lead is fresh when its company had a signal within the window before (or on)
    the day it was created."""
    ws = alice.workspace_id
    came_hot = company(ws, "Came in hot", created=at(10))
    add_signal(ws, came_hot, date(2026, 11, 1))
    later = company(ws, "Signal later", created=at(10))
    add_signal(ws, later, date(2026, 11, 12))
    company(ws, "Quiet", created=at(10))
    assert value(ws, "new_leads", FRESH).value == 1
    assert value(ws, "new_leads", NONE).value == 2
