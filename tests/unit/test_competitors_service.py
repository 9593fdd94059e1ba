"""Competitors: battlecard CRUD and validation, review stamp, deal links across
workspaces, the pipeline filter clause, win-rate arithmetic (won/lost/open,
ties, no deals, n always shown), figures by fit tier and quarter, ICP overlap,
and the markdown sanitiser (no script injection through a battlecard)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from updoot_app import db
from updoot_app.models import Activity, Company, Deal, DealCompetitor
from updoot_app.services.competitors import battlecards, deal_links, win_loss
from updoot_app.services.crm import companies, deal_filters, deals
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.platform import markdown_safe
from updoot_app.services.platform.errors import Forbidden, NotFound, ValidationError
from updoot_app.services.profiles import icps


def principal(actor):
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


def new_competitor(actor, **fields):
    with db.session_scope() as s:
        return battlecards.create_competitor(s, principal(actor), {"name": "Rival", **fields})


def new_company(actor, name="Acme", **fields):
    with db.session_scope() as s:
        return companies.create_company(s, principal(actor), {"name": name, **fields})


def new_deal(actor, company_id, value="1000", **fields):
    with db.session_scope() as s:
        return deals.create_deal(s, principal(actor), {"company_id": company_id, "title": "Deal",
                                                       "value": value, **fields})


def attach(actor, deal_id, competitor_id):
    with db.session_scope() as s:
        return deal_links.attach(s, principal(actor), deal_id, competitor_id)


def close(actor, deal_id, stage, when=None):
    with db.session_scope() as s:
        deals.move_stage(s, principal(actor), deal_id, stage,
                         "Lost to rival" if stage == "Lost" else None, now=when)


def set_tier(company_id, tier):
    with db.session_scope() as s:
        c = s.get(Company, company_id)
        c.fit_tier = tier
        s.add(c)


def stats(actor, competitor_id):
    with db.session_scope() as s:
        return win_loss.competitor_stats(s, actor.workspace_id, competitor_id)


# --- win-rate arithmetic ----------------------------------------------------------

@pytest.mark.parametrize("won,lost,percent,label", [
    (0, 0, None, "no closed deals (n=0)"),
    (1, 0, 100, "100% (n=1)"),
    (0, 1, 0, "0% (n=1)"),
    (1, 1, 50, "50% (n=2)"),
    (2, 2, 50, "50% (n=4)"),
    (1, 2, 33, "33% (n=3)"),
    (2, 1, 67, "67% (n=3)"),
    (1, 7, 13, "13% (n=8)"),  # 12.5 rounds half up
])
def test_win_rate_arithmetic_always_shows_n(won, lost, percent, label):
    rate = win_loss.win_rate(won, lost)
    assert rate["percent"] == percent
    assert rate["label"] == label
    assert rate["n"] == won + lost
    assert rate["win_rate"] == (None if won + lost == 0 else won / (won + lost))


def test_win_rate_over_deals_ignores_open_and_other_competitors(alice):
    rival = new_competitor(alice)
    other = new_competitor(alice, name="Other")
    acme = new_company(alice)
    won, lost, tie_won, open_deal, not_present = (new_deal(alice, acme.id) for _ in range(5))
    for d in (won, lost, tie_won, open_deal):
        attach(alice, d.id, rival.id)
    attach(alice, not_present.id, other.id)
    close(alice, won.id, "Won")
    close(alice, lost.id, "Lost")
    close(alice, not_present.id, "Lost")
    result = stats(alice, rival.id)["overall"]
    assert (result["won"], result["lost"], result["open"], result["n"]) == (1, 1, 2, 2)
    assert result["label"] == "50% (n=2)"  # a tie
    close(alice, tie_won.id, "Won")
    assert stats(alice, rival.id)["overall"]["label"] == "67% (n=3)"
    with db.session_scope() as s:
        sums = win_loss.summaries(s, alice.workspace_id)
    assert sums[rival.id]["label"] == "67% (n=3)" and sums[rival.id]["open"] == 1
    assert sums[other.id]["label"] == "0% (n=1)"


def test_no_deals_gives_empty_figures(alice):
    rival = new_competitor(alice)
    result = stats(alice, rival.id)
    assert result["overall"]["label"] == "no closed deals (n=0)"
    assert result["overall"]["win_rate"] is None
    assert result["by_fit_tier"] == [] and result["by_quarter"] == []
    assert result["top_industries"] == []
    with db.session_scope() as s:
        assert win_loss.summary(s, alice.workspace_id, rival.id)["n"] == 0


def test_figures_by_fit_tier_average_size_and_cycle(alice):
    rival = new_competitor(alice)
    a_co = new_company(alice, "A Co", industry="Technology", country="US")
    b_co = new_company(alice, "B Co", industry="Retail", country="DE")
    set_tier(a_co.id, "A")
    set_tier(b_co.id, "B")
    start = datetime(2026, 1, 10, tzinfo=UTC)
    d1 = new_deal(alice, a_co.id, "1000.00")
    d2 = new_deal(alice, a_co.id, "3000.00")
    d3 = new_deal(alice, b_co.id, "500.00")
    d4 = new_deal(alice, b_co.id, "999.00")  # stays open: not in averages
    d5 = new_deal(alice, a_co.id, "7000.00", currency="EUR")  # other currency
    with db.session_scope() as s:
        for d in (d1, d2, d3, d4, d5):
            row = s.get(Deal, d.id)
            row.created_at = start
            s.add(row)
    for d in (d1, d2, d3, d4, d5):
        attach(alice, d.id, rival.id)
    close(alice, d1.id, "Won", start + timedelta(days=10))
    close(alice, d2.id, "Lost", start + timedelta(days=30))
    close(alice, d3.id, "Won", start + timedelta(days=100))  # next quarter
    close(alice, d5.id, "Won", start + timedelta(days=20))
    result = stats(alice, rival.id)
    tiers = {r["key"]: r for r in result["by_fit_tier"]}
    assert list(tiers) == ["A", "B", "all"]
    a = tiers["A"]
    assert (a["won"], a["lost"], a["open"], a["rate_label"]) == (2, 1, 0, "67% (n=3)")
    assert a["avg_deal_size"] == Decimal("2000.00")  # USD deals only
    assert a["other_currency_deals"] == 1
    assert a["avg_cycle_days"] == pytest.approx(20.0)
    b = tiers["B"]
    assert (b["won"], b["lost"], b["open"], b["rate_label"]) == (1, 0, 1, "100% (n=1)")
    assert b["avg_deal_size"] == Decimal("500.00") and b["avg_cycle_days"] == 100.0
    assert tiers["all"]["rate_label"] == "75% (n=4)"
    assert [(q["quarter"], q["label"]) for q in result["by_quarter"]] == [
        ("2026 Q1", "67% (n=3)"), ("2026 Q2", "100% (n=1)")]
    industries = {r["segment"]: r for r in result["top_industries"]}
    assert industries["Technology"]["deals"] == 3 and industries["Retail"]["deals"] == 2
    assert result["top_industries"][0]["segment"] == "Technology"
    assert {r["segment"] for r in result["top_countries"]} == {"US", "DE"}


def test_overlap_with_active_icp(alice):
    with db.session_scope() as s:
        icps.create_icp(s, principal(alice), {
            "name": "Mid-market", "kind": "b2b",
            "criteria": [
                {"field": "industry", "values": ["Technology", "Finance"], "weight": 40},
                {"field": "employees", "min": 500, "max": 2000, "weight": 30},
                {"field": "geography", "values": ["North America"], "weight": 20},
                {"field": "tech_stack", "values": ["AWS"], "weight": 10}]}, rescore=False)
    rival = new_competitor(alice, target={"industries": ["technology", "Retail"],
                                          "employees_min": 1000, "employees_max": 5000,
                                          "geography": ["Europe"]})
    rows = {r["field"]: r for r in stats(alice, rival.id)["overlap"]}
    assert rows["industry"]["status"] == "overlap" and rows["industry"]["shared"] == "technology"
    assert rows["employees"]["status"] == "overlap"
    assert rows["employees"]["shared"] == "1,000 – 2,000 employees"
    assert rows["geography"]["status"] == "no_overlap"
    assert rows["tech_stack"]["status"] == "not_stated"
    with db.session_scope() as s:
        battlecards.update_competitor(s, principal(alice), rival.id, {
            "target": {"geography": ["US", "Germany"], "employees_max": 100}})
    rows = {r["field"]: r for r in stats(alice, rival.id)["overlap"]}
    assert rows["geography"]["status"] == "overlap"
    assert rows["geography"]["shared"].startswith("US")
    assert rows["employees"]["status"] == "no_overlap"
    assert rows["industry"]["status"] == "not_stated"


# --- CRUD and validation ------------------------------------------------------------

def test_create_update_review_delete(alice):
    c = new_competitor(alice, website="rival.example", strengths="- **Brand**",
                       target={"industries": "Technology, Retail", "employees_min": "50",
                               "geography": ["north america"], "segments": ["SMB"]})
    assert c.website == "https://rival.example"
    assert c.target["industries"] == ["Technology", "Retail"]
    assert c.target["employees_min"] == 50 and c.target["employees_max"] is None
    assert c.reviewed_at is None
    p = principal(alice)
    with db.session_scope() as s:
        battlecards.update_competitor(s, p, c.id, {"weaknesses": "Slow support"})
        when = datetime(2026, 5, 1, tzinfo=UTC)
        battlecards.mark_reviewed(s, p, c.id, now=when)
    with db.session_scope() as s:
        out = battlecards.competitor_out(s, battlecards.get_competitor(s, alice.workspace_id,
                                                                       c.id))
    assert out["weaknesses"] == "Slow support"
    assert out["reviewed_at"].startswith("2026-05-01")
    assert out["reviewed_by_email"] == alice.email
    assert "<strong>Brand</strong>" in out["html"]["strengths"]
    with db.session_scope() as s:
        actions = set(s.exec(select(Activity.action)).all())
    assert {"competitor.create", "competitor.update", "competitor.review"} <= actions
    with db.session_scope() as s:
        battlecards.delete_competitor(s, p, c.id)
    with db.session_scope() as s, pytest.raises(NotFound):
        battlecards.get_competitor(s, alice.workspace_id, c.id)


@pytest.mark.parametrize("data,field", [
    ({"name": ""}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"name": 5}, "name"),
    ({"name": "Ok", "strengths": "x" * 5001}, "strengths"),
    ({"name": "Ok", "talk_track": ["list"]}, "talk_track"),
    ({"name": "Ok", "website": "javascript:alert(1)"}, "website"),
    ({"name": "Ok", "website": "ftp://files.example"}, "website"),
    ({"name": "Ok", "target": "everyone"}, "target"),
    ({"name": "Ok", "target": {"colour": ["red"]}}, "target.colour"),
    ({"name": "Ok", "target": {"employees_min": -1}}, "target.employees_min"),
    ({"name": "Ok", "target": {"employees_min": True}}, "target.employees_min"),
    ({"name": "Ok", "target": {"employees_min": 500, "employees_max": 10}},
     "target.employees_max"),
    ({"name": "Ok", "target": {"geography": ["Atlantis"]}}, "target.geography"),
    ({"name": "Ok", "target": {"industries": [1, 2]}}, "target.industries"),
    ({"name": "Ok", "target": {"segments": ["x" * 61]}}, "target.segments"),
    ({"name": "Ok", "secret": 1}, "secret"),
])
def test_bad_input_is_refused_and_nothing_is_written(alice, data, field):
    with db.session_scope() as s, pytest.raises(ValidationError) as err:
        battlecards.create_competitor(s, principal(alice), data)
    assert err.value.field == field
    with db.session_scope() as s:
        assert battlecards.list_competitors(s, alice.workspace_id) == []


def test_names_are_unique_per_workspace_case_insensitive(alice, bob):
    new_competitor(alice, name="Rival")
    with pytest.raises(ValidationError):
        new_competitor(alice, name="rival")
    new_competitor(bob, name="Rival")  # another workspace may use the name


def test_other_workspace_is_not_found_and_viewers_cannot_write(alice, bob):
    rival = new_competitor(alice)
    acme = new_company(alice)
    deal = new_deal(alice, acme.id)
    bob_rival = new_competitor(bob, name="Bob's rival")
    bob_deal = new_deal(bob, new_company(bob).id)
    pb = principal(bob)
    with db.session_scope() as s:
        for call in (lambda: battlecards.get_competitor(s, bob.workspace_id, rival.id),
                     lambda: battlecards.update_competitor(s, pb, rival.id, {"name": "x"}),
                     lambda: battlecards.mark_reviewed(s, pb, rival.id),
                     lambda: battlecards.delete_competitor(s, pb, rival.id),
                     lambda: deal_links.attach(s, pb, deal.id, bob_rival.id),
                     lambda: deal_links.attach(s, pb, bob_deal.id, rival.id),
                     lambda: deal_links.competitors_on_deal(s, bob.workspace_id, deal.id),
                     lambda: win_loss.competitor_stats(s, bob.workspace_id, rival.id),
                     lambda: deal_filters.competitor_condition(s, bob.workspace_id, rival.id),
                     lambda: battlecards.get_competitor(s, alice.workspace_id, 10**15),
                     ):
            with pytest.raises(NotFound):
                call()
        with pytest.raises(ValidationError):
            battlecards.get_competitor(s, alice.workspace_id, "1 OR 1=1")
    viewer = dataclasses.replace(principal(alice), role="viewer")
    with db.session_scope() as s:
        for call in (lambda: battlecards.create_competitor(s, viewer, {"name": "V"}),
                     lambda: battlecards.update_competitor(s, viewer, rival.id, {"name": "V"}),
                     lambda: battlecards.mark_reviewed(s, viewer, rival.id),
                     lambda: battlecards.delete_competitor(s, viewer, rival.id),
                     lambda: deal_links.attach(s, viewer, deal.id, rival.id),
                     lambda: deal_links.detach(s, viewer, deal.id, rival.id)):
            with pytest.raises(Forbidden):
                call()


def test_attach_is_idempotent_detach_and_pipeline_filter(alice):
    rival = new_competitor(alice)
    acme = new_company(alice)
    d1, d2 = new_deal(alice, acme.id), new_deal(alice, acme.id)
    assert attach(alice, d1.id, rival.id)[1] is True
    assert attach(alice, d1.id, rival.id)[1] is False
    with db.session_scope() as s:
        assert len(s.exec(select(DealCompetitor)).all()) == 1
        assert [c.id for c in deal_links.competitors_on_deal(s, alice.workspace_id, d1.id)] \
            == [rival.id]
        cond = deal_filters.competitor_condition(s, alice.workspace_id, rival.id)
        assert s.exec(select(Deal.id).where(cond)).all() == [d1.id]
        assert d2.id not in s.exec(deal_filters.deal_ids_with_competitor(
            s, alice.workspace_id, str(rival.id))).all()
    with db.session_scope() as s:
        deal_links.detach(s, principal(alice), d1.id, rival.id)
    with db.session_scope() as s, pytest.raises(NotFound):
        deal_links.detach(s, principal(alice), d1.id, rival.id)
    # deleting the competitor or the deal removes the links
    attach(alice, d2.id, rival.id)
    with db.session_scope() as s:
        battlecards.delete_competitor(s, principal(alice), rival.id)
    with db.session_scope() as s:
        assert s.exec(select(DealCompetitor)).all() == []


# --- markdown sanitising ---------------------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox)",
    "![x](javascript:alert(1))",
    "![x](https://tracker.example/p.gif)",
    "<javascript:alert(1)>",
    "[x](https://ok.example \"title\" onmouseover=alert(1))",
    "<div onclick=\"alert(1)\">hi</div>",
    "<iframe src=https://evil.example></iframe>",
    "<svg/onload=alert(1)>",
    "<style>body{display:none}</style>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "\"><script>alert(1)</script>",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_markdown_never_emits_script_or_unsafe_urls(text):
    html = markdown_safe.render(text)
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered and "<iframe" not in lowered and "<svg" not in lowered
    assert "<style" not in lowered and "<div" not in lowered
    assert "javascript:" not in lowered.replace("&amp;", "&") or 'href="javascript' not in lowered
    assert 'href="javascript' not in lowered and 'href="data:' not in lowered
    assert 'href="vbscript' not in lowered
    import re
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered)  # no on* attribute in any tag
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith(("http://", "https://", "mailto:"))


def test_markdown_keeps_formatting_and_safe_links():
    html = markdown_safe.render("**bold** _it_\n\n- one\n- two\n\n[site](https://a.example/x?y=1&z=2) "
                                "[mail](mailto:sales@a.example) <https://auto.example>")
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html
    assert "<li>one</li>" in html
    assert 'href="https://a.example/x?y=1&amp;z=2"' in html
    assert 'href="mailto:sales@a.example"' in html
    assert 'href="https://auto.example"' in html
    assert 'rel="nofollow noopener noreferrer"' in html
    assert markdown_safe.render("") == "" and markdown_safe.render(None) == ""
    assert "&lt;script&gt;" in markdown_safe.render("<script>alert(1)</script>")


def test_battlecard_with_attack_is_stored_raw_and_rendered_safe(alice):
    rival = new_competitor(alice, strengths="<script>alert(1)</script> [x](javascript:alert(1))")
    with db.session_scope() as s:
        out = battlecards.competitor_out(s, battlecards.get_competitor(s, alice.workspace_id,
                                                                       rival.id))
    assert out["strengths"].startswith("<script>")  # raw text is kept as typed
    assert "<script" not in out["html"]["strengths"]
    assert "javascript:" not in out["html"]["strengths"].split("href")[0] or \
        'href="javascript' not in out["html"]["strengths"]
