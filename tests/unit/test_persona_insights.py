"""Living personas: objections ranked from the interactions, suggestions, the win
rate with and without the persona in the buying committee."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from updoot_app.services.crm.persona_insights import committee_split, rank_objections

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


def ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def test_objections_ranked_over_the_last_90_days_with_last_seen():
    listed = ["Budget is fixed", "Another tool to maintain", "Never heard"]
    heard = [(ago(1), ["budget is fixed "]), (ago(5), ["Budget is fixed", "Too slow"]),
             (ago(10), ["Another tool to maintain"]), (ago(20), ["too slow"]),
             (ago(200), ["Another tool to maintain", "Too slow"]), (ago(3), [])]
    ranked, suggested = rank_objections(listed, heard, NOW)
    assert [(r["objection"], r["count_90d"], r["count"]) for r in ranked] == [
        ("Budget is fixed", 2, 2), ("Too slow", 2, 3), ("Another tool to maintain", 1, 2),
        ("Never heard", 0, 0)]
    assert ranked[0]["last_seen"] == ago(1).isoformat() and ranked[3]["last_seen"] is None
    assert [r["on_persona"] for r in ranked] == [True, False, True, True]
    # A new objection heard three times is suggested; two times is not yet.
    assert [s["objection"] for s in suggested] == ["Too slow"]
    _ranked, fewer = rank_objections(listed, heard[:4], NOW)
    assert fewer == []


def test_nothing_heard_lists_the_personas_own_objections():
    ranked, suggested = rank_objections(["Price"], [], NOW)
    assert ranked == [{"objection": "Price", "count_90d": 0, "count": 0, "last_seen": None,
                       "on_persona": True}] and suggested == []


def test_win_rate_with_and_without_the_persona_in_the_committee():
    closed = [(1, True), (2, True), (3, False), (4, False), (5, False), (6, True)]
    split = committee_split(closed, {1, 2, 3, 99})
    assert split["with"] == {"closed": 3, "won": 2, "win_rate": 0.6667}
    assert split["without"] == {"closed": 3, "won": 1, "win_rate": 0.3333}
    assert committee_split([], set())["with"] == {"closed": 0, "won": 0, "win_rate": None}
