"""The demo tells the product's story, read through the services the dashboard and
the pipeline use: the ICP predicts (win rate, deal size and cycle by fit tier), the
calibration suggests a sensible weight change, the pipeline has named owners, fresh
and stale deals and partly covered committees; and the same seed gives the same demo."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlmodel import select

from updoot_app import db
from updoot_app.models import Company, Deal, Membership, Stage, User, Workspace
from updoot_app.services.crm import buying_committee, deal_reads, pipeline_view
from updoot_app.services.demo import lifecycle
from updoot_app.services.identity import auth, workspaces
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.kpis import breakdowns, dashboard
from updoot_app.services.kpis.periods import period_of
from updoot_app.services.platform import security
from updoot_app.services.platform.errors import AuthRequired, ValidationError

SEED = 20261206


def make_demo(**kwargs):
    with db.session_scope() as s:
        ws, token = lifecycle.create_demo(s, **kwargs)
    with db.session_scope() as s:
        return ws.id, resolve_session(s, token)


@pytest.fixture
def demo(database):
    return make_demo(seed=SEED)


def all_deals(workspace_id: int) -> list[dict]:
    """Every deal as the deal list shows it (owner, stale), page by page."""
    rows, page = [], 1
    with db.session_scope() as s:
        while True:
            batch, total = deal_reads.list_deals(s, workspace_id, page=page, page_size=100)
            rows += batch
            if len(rows) >= total or not batch:
                return rows
            page += 1


def test_win_rate_size_and_cycle_fall_from_tier_a_to_d(demo):
    _ws, p = demo
    bundle = dashboard.compute(p, "quarter")  # what the dashboard opens on
    tiers = {r["key"]: r for r in bundle["by_tier"]}
    a, b, c, d = (tiers[t] for t in ("A", "B", "C", "D"))
    assert a["win_rate"] > b["win_rate"] > c["win_rate"] > d["win_rate"]
    assert a["closed"] >= 8 and d["closed"] >= 8
    assert min(r["closed"] for r in (a, b, c, d)) >= 8  # no rate rests on one deal
    # A and B close bigger and faster than C and D.
    assert min(a["avg_deal_size"], b["avg_deal_size"]) > max(c["avg_deal_size"],
                                                             d["avg_deal_size"])
    assert max(a["avg_cycle_days"], b["avg_cycle_days"]) < min(c["avg_cycle_days"],
                                                               d["avg_cycle_days"])
    # The year tells the same story, on more deals.
    year = {r["key"]: r for r in dashboard.compute(p, "year")["by_tier"]}
    assert year["A"]["win_rate"] > year["B"]["win_rate"] > year["D"]["win_rate"]
    assert year["A"]["closed"] > a["closed"]


def test_calibration_suggests_more_weight_for_the_criterion_that_separates_winners(demo):
    _ws, p = demo
    [icp] = dashboard.compute(p, "quarter")["calibration"]
    rows = {r["field"]: r for r in icp["criteria"]}
    assert icp["has_suggestion"] and all(r["enough"] for r in rows.values())
    assert sum(r["suggested"] for r in rows.values()) == 100
    triggers = rows["triggers"]
    assert triggers["rate_match"] > 2 * triggers["rate_miss"]
    assert triggers["lift"] == max(r["lift"] for r in rows.values())
    assert triggers["suggested"] > triggers["weight"]
    assert rows["geography"]["suggested"] < rows["geography"]["weight"]


def test_every_tier_is_scored_from_the_companies_own_data(demo):
    ws_id, _p = demo
    with db.session_scope() as s:
        companies = s.exec(select(Company).where(Company.workspace_id == ws_id)).all()
    tiers = Counter(c.fit_tier for c in companies)
    assert set(tiers) == {"A", "B", "C", "D", "not_a_fit"}
    assert min(tiers.values()) >= 5
    assert all(c.industry == "Government" for c in companies if c.fit_tier == "not_a_fit")
    names = [c.name for c in companies]
    assert len(set(names)) == len(names)  # no two companies share a name


def test_pipeline_has_named_owners_fresh_and_stale_deals_and_partial_committees(demo):
    ws_id, p = demo
    deals = all_deals(ws_id)
    open_deals = [d for d in deals if d["stage_kind"] == "open"]
    owners = Counter(pipeline_view.owner_label(d["owner_email"]) for d in deals)
    assert len(owners) >= 2
    assert not any(o.startswith("demo-") or o == "—" for o in owners)
    with db.session_scope() as s:
        team = [m for m in workspaces.members(s, p) if not m["is_me"]]
        slug = s.get(Workspace, ws_id).slug
    assert 2 <= len(team) <= 4
    assert all(len(m["name"].split()) == 2 for m in team)  # a first and a last name
    assert all(m["email"].endswith(".example.com") for m in team)
    assert {pipeline_view.owner_label(m["email"]) for m in team} >= set(owners)
    assert slug.split("-")[-1] not in "".join(owners)
    stale = [d for d in open_deals if d["stale"]]
    assert 5 <= len(stale) <= len(open_deals) - 5  # a mix: some fresh, some stale
    with db.session_scope() as s:
        marks = buying_committee.coverage_marks(s, ws_id, [d["id"] for d in open_deals])
    covered = Counter(m["covered"] for m in marks.values())
    assert sum(covered[k] for k in (2, 3)) >= 5  # partly covered committees
    assert covered[4] < len(open_deals) and covered[0] < len(open_deals) / 2
    # Open deals are mostly on companies that fit: the board is not all tier D.
    open_tiers = Counter(d["fit_tier"] for d in open_deals)
    assert open_tiers["A"] + open_tiers["B"] > len(open_deals) / 2


def _story(ws_id: int) -> dict:
    with db.session_scope() as s:
        companies = s.exec(select(Company.name, Company.fit_tier, Company.fit_score)
                           .where(Company.workspace_id == ws_id).order_by(Company.id)).all()
        deals = s.exec(select(Deal.title, Deal.value, Stage.kind, Company.name)
                       .join(Stage, Stage.id == Deal.stage_id)
                       .join(Company, Company.id == Deal.company_id)
                       .where(Deal.workspace_id == ws_id).order_by(Deal.id)).all()
        team = s.exec(select(User.name).join(Membership, Membership.user_id == User.id)
                      .where(Membership.workspace_id == ws_id, User.name != "Demo visitor")
                      .order_by(User.id)).all()
    return {"companies": [tuple(c) for c in companies], "deals": [tuple(d) for d in deals],
            "team": list(team)}


def test_the_same_seed_gives_the_same_demo(database):
    first, _ = make_demo(seed=SEED)
    second, _ = make_demo(seed=SEED)
    other, _ = make_demo(seed=SEED + 1)
    assert first != second
    story = _story(first)
    assert story == _story(second)
    assert story["companies"] != _story(other)["companies"]
    assert len(story["companies"]) == 120 and len(story["deals"]) > 100


def test_a_demo_made_on_the_first_day_of_a_quarter_still_has_the_quarter_to_show(database):
    start = period_of("quarter").start
    ws_id, _p = make_demo(seed=SEED, now=start + timedelta(minutes=5))
    quarter = period_of("quarter", start.date())
    with db.session_scope() as s:
        tiers = {r["key"]: r for r in breakdowns.closed_by(s, ws_id, quarter, "fit_tier")}
        closed = s.exec(select(Deal.closed_at).where(Deal.workspace_id == ws_id,
                                                    Deal.closed_at.is_not(None))).all()
    assert tiers["A"]["closed"] >= 8 and tiers["D"]["closed"] >= 8
    assert tiers["A"]["win_rate"] > tiers["B"]["win_rate"] > tiers["D"]["win_rate"]
    assert max(c.replace(tzinfo=start.tzinfo) if c.tzinfo is None else c
               for c in closed) <= start + timedelta(minutes=5)


def test_the_seeded_team_cannot_log_in_and_goes_with_its_demo(database):
    ws_id, p = make_demo(seed=SEED)
    keep_id, _ = make_demo(seed=SEED)
    with db.session_scope() as s:
        team = s.exec(select(User).join(Membership, Membership.user_id == User.id)
                      .where(Membership.workspace_id == ws_id, User.id != p.user_id)).all()
        team = [(u.id, u.email, u.password_hash) for u in team]
    assert len(team) == lifecycle.TEAM_SIZE
    for _id, email, password_hash in team:
        assert password_hash.startswith(security.UNUSABLE_PREFIX)
        assert not security.verify_password(password_hash, password_hash)
        with pytest.raises(AuthRequired), db.session_scope() as s:
            auth.login(s, email, password_hash)
    with pytest.raises(ValidationError), db.session_scope() as s:  # one account per email
        workspaces.add_member_without_login(s, keep_id, email=team[0][1], name="Twin")
    with db.session_scope() as s:
        ws = s.get(Workspace, ws_id)
        ws.created_at = ws.created_at - timedelta(hours=48)
        s.add(ws)
    with db.session_scope() as s:
        assert lifecycle.purge_old_demos(s, max_age_hours=24) == 1
    with db.session_scope() as s:
        left = set(s.exec(select(User.id)).all())
        kept = set(s.exec(select(Membership.user_id)
                          .where(Membership.workspace_id == keep_id)).all())
    assert left == kept and len(kept) == 1 + lifecycle.TEAM_SIZE
    assert not left & {user_id for user_id, _e, _h in team}


def test_a_demo_user_also_in_a_real_workspace_is_kept_by_the_purge(alice):
    ws_id, p = make_demo(seed=SEED)
    with db.session_scope() as s:
        member = s.exec(select(User).join(Membership, Membership.user_id == User.id)
                        .where(Membership.workspace_id == ws_id, User.id != p.user_id)).first()
        s.add(Membership(workspace_id=alice.workspace_id, user_id=member.id, role="viewer"))
        ws = s.get(Workspace, ws_id)
        ws.created_at = ws.created_at - timedelta(hours=48)
        s.add(ws)
        member_id = member.id
    with db.session_scope() as s:
        assert lifecycle.purge_old_demos(s, max_age_hours=24) == 1
    with db.session_scope() as s:
        assert s.get(User, member_id) is not None
        assert s.get(User, p.user_id) is None
