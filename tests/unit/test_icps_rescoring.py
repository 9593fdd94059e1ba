"""Re-scoring a workspace as its ICPs change, and one company's fit (services.profiles.fit)."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import select

from tests.unit.icps_helpers import P, body, create
from updoot_app import db
from updoot_app.models import Company, IcpVersion
from updoot_app.services.demo.seed import seed_workspace
from updoot_app.services.platform.errors import NotFound
from updoot_app.services.profiles import fit, icp_reads, icps, scoring, tiers


def seed(actor, n=50):
    with db.session_scope() as s:
        seed_workspace(s, actor.workspace_id, [actor.user_id], companies=n)


def stored_fits(workspace_id):
    with db.session_scope() as s:
        rows = s.exec(select(Company.id, Company.fit_score, Company.fit_tier, Company.fit_icp_id,
                             Company.fit_results)
                      .where(Company.workspace_id == workspace_id).order_by(Company.id)).all()
    return {r[0]: tuple(r[1:]) for r in rows}


# --------------------------------------------------------------------------- scoring


def test_rescore_writes_what_score_frame_computes(alice, bob):
    seed(alice, 60)
    seed(bob, 5)
    progress = []
    icp_id = create(alice)
    with db.session_scope() as s:
        specs = icp_reads.specs_for_workspace(s, alice.workspace_id)
        frame = fit.companies_frame(s, alice.workspace_id)
        expected = scoring.score_frame(frame, specs)
        counts = fit.rescore_workspace(s, alice.workspace_id,
                                       lambda d, t: progress.append((d, t)), batch_size=25)
    assert [spec.id for spec in specs] == [icp_id]
    assert counts == scoring.tier_counts(expected) and sum(counts.values()) == 60
    assert progress == [(0, 0)]  # create_icp already stored the same fits
    stored = stored_fits(alice.workspace_id)
    for row in expected.itertuples():
        assert stored[row.id] == (row.score, row.tier, row.icp_id, row.results)
    assert all(v == (None, None, None, None) for v in stored_fits(bob.workspace_id).values())


def test_rescore_batches_and_reports_progress(alice):
    seed(alice, 60)
    create(alice)
    with db.session_scope() as s:
        s.execute(update(Company).values(fit_score=None, fit_tier=None))
    progress = []
    with db.session_scope() as s:
        fit.rescore_workspace(s, alice.workspace_id, lambda d, t: progress.append((d, t)),
                              batch_size=25)
    assert progress == [(25, 60), (50, 60), (60, 60)]
    assert None not in {v[1] for v in stored_fits(alice.workspace_id).values()}


def test_edit_deactivate_and_delete_rescore(alice):
    seed(alice, 40)
    icp_id = create(alice)
    before = stored_fits(alice.workspace_id)
    with db.session_scope() as s:
        icps.update_icp(s, P(alice), icp_id, {"criteria": [
            {"field": "industry", "values": ["Healthcare"], "weight": 100}]})
    after = stored_fits(alice.workspace_id)
    assert after != before
    with db.session_scope() as s:
        healthcare = dict(s.exec(select(Company.id, Company.industry)
                                 .where(Company.workspace_id == alice.workspace_id)).all())
    for cid, (score, tier, _icp, _res) in after.items():
        if healthcare[cid] == "Healthcare":
            assert (score, tier) == (100, "A")
        else:
            assert score == 0
    with db.session_scope() as s:
        icps.set_active(s, P(alice), icp_id, False)
    assert all(v[0] is None for v in stored_fits(alice.workspace_id).values())
    with db.session_scope() as s:
        icps.set_active(s, P(alice), icp_id, True)
        icps.delete_icp(s, P(alice), icp_id)
    assert all(v[0] is None for v in stored_fits(alice.workspace_id).values())
    with db.session_scope() as s:
        assert s.exec(select(IcpVersion)).all() == []


def test_best_icp_wins_and_fit_of_explains(alice):
    seed(alice, 30)
    first = create(alice, body(name="Everything", criteria=[
        {"field": "industry", "values": ["Nothing at all"], "weight": 100}]))
    second = create(alice, body(name="Tech", criteria=[
        {"field": "industry", "values": ["Technology"], "weight": 100}]))
    with db.session_scope() as s:
        tech = s.exec(select(Company).where(Company.workspace_id == alice.workspace_id,
                                            Company.industry == "Technology")).first()
        specs = fit.specs_by_id(s, alice.workspace_id)
        got = fit.fit_of(tech, specs)
        assert fit.fit_of(tech, fit.specs_by_id(s, tech.workspace_id)) == got
    assert set(specs) == {first, second}
    assert got["score"] == 100 and got["tier"] == "A" and got["icp_id"] == second
    assert got["coverage"] == 1.0
    assert got["explanation"] == [
        {"field": "industry", "weight": 100, "points": 100, "result": "match"}]
    assert got["summary"].startswith("100 · A")


def test_fit_without_active_icp_is_null(alice, bob):
    seed(alice, 3)
    with db.session_scope() as s:
        company = s.exec(select(Company)).first()
        assert fit.fit_of(company, {}) == {"score": None, "tier": None, "icp_id": None,
                                           "coverage": None, "explanation": []}
        assert fit.get_fit(s, P(alice), company.id)["score"] is None
    with pytest.raises(NotFound), db.session_scope() as s:
        fit.get_fit(s, P(bob), company.id)


def test_score_one_matches_the_bulk_path(alice):
    seed(alice, 20)
    create(alice)
    stored = stored_fits(alice.workspace_id)
    with db.session_scope() as s:
        for company in s.exec(select(Company)).all():
            result = fit.score_one(s, company)
            assert stored[company.id] == (result.score, result.tier, result.icp_id,
                                          result.results)


def test_rescore_of_an_empty_workspace(alice):
    create(alice)
    with db.session_scope() as s:
        assert fit.rescore_workspace(s, alice.workspace_id) == dict.fromkeys(tiers.FIT_TIERS, 0)
