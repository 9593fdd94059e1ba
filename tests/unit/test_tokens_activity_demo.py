"""API tokens, the append-only activity log, demo workspaces and their purge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from updoot_app import db
from updoot_app.models import (
    Activity,
    ApiToken,
    Company,
    Deal,
    Membership,
    Stage,
    User,
    Workspace,
)
from updoot_app.services.demo import lifecycle
from updoot_app.services.identity import tokens
from updoot_app.services.identity.access import resolve_api_token, resolve_session
from updoot_app.services.platform import activity
from updoot_app.services.platform.activity import AppendOnlyError
from updoot_app.services.platform.errors import AuthRequired, NotFound, ValidationError


def principal(token):
    with db.session_scope() as s:
        return resolve_session(s, token)


def test_token_is_shown_once_and_stored_hashed(alice):
    with db.session_scope() as s:
        raw = tokens.create_token(s, principal(alice.token), "Zapier")
    assert raw.startswith("updt_")
    with db.session_scope() as s:
        row = s.exec(select(ApiToken)).one()
        assert raw not in (row.token_hash, row.prefix) and row.prefix == raw[:10]
        listed = tokens.list_tokens(s, principal(alice.token))
    assert listed[0]["name"] == "Zapier" and raw not in str(listed)
    with db.session_scope() as s:
        p = resolve_api_token(s, raw)
    assert (p.user_id, p.workspace_id) == (alice.user_id, alice.workspace_id)


def test_revoked_token_stops_working_and_others_cannot_revoke(alice, bob):
    with db.session_scope() as s:
        raw = tokens.create_token(s, principal(alice.token), "CI")
        token_id = s.exec(select(ApiToken.id)).one()
    with pytest.raises(NotFound), db.session_scope() as s:
        tokens.revoke_token(s, principal(bob.token), token_id)
    with db.session_scope() as s:
        tokens.revoke_token(s, principal(alice.token), token_id)
    with pytest.raises(AuthRequired), db.session_scope() as s:
        resolve_api_token(s, raw)


def test_token_name_is_required(alice):
    with pytest.raises(ValidationError), db.session_scope() as s:
        tokens.create_token(s, principal(alice.token), "   ")


def test_activity_log_is_append_only(alice):
    with db.session_scope() as s:
        activity.log(s, workspace_id=alice.workspace_id, user_id=alice.user_id,
                     action="test.thing", entity_type="thing", entity_id=1, summary="did it")
    with pytest.raises(AppendOnlyError), db.session_scope() as s:
        entry = s.exec(select(Activity).where(Activity.action == "test.thing")).one()
        entry.summary = "rewritten history"
        s.add(entry)
        s.flush()
    with pytest.raises(AppendOnlyError), db.session_scope() as s:
        s.delete(s.exec(select(Activity).where(Activity.action == "test.thing")).one())
        s.flush()
    with db.session_scope() as s:
        rows = activity.recent(s, alice.workspace_id)
    assert rows[0]["summary"] == "did it" and rows[0]["who"] == alice.email
    # signup was logged too, and only this workspace's rows are listed
    assert {r["action"] for r in rows} == {"test.thing", "user.signup"}


def test_demo_workspace_is_seeded_with_every_stage(database):
    with db.session_scope() as s:
        ws, token = lifecycle.create_demo(s)
    p = principal(token)
    assert p.is_demo and p.role == "owner" and p.workspace_id == ws.id
    with db.session_scope() as s:
        n_companies = s.exec(select(func.count()).select_from(Company)).one()
        stages_with_deals = s.exec(
            select(Stage.name, Stage.kind).join(Deal, Deal.stage_id == Stage.id)
            .where(Deal.workspace_id == ws.id).distinct()).all()
        industries = s.exec(select(Company.industry).distinct()).all()
        countries = s.exec(select(Company.country).distinct()).all()
        lost = s.exec(select(Deal).join(Stage).where(Stage.kind == "lost")).all()
    assert n_companies == 120
    assert {name for name, _ in stages_with_deals} == {
        "New", "Contacted", "Qualified", "Proposal", "Negotiation", "Won", "Lost"}
    assert len(industries) >= 8 and len(countries) >= 10
    assert all(d.lost_reason for d in lost)


def test_demo_tells_the_whole_story_icp_personas_committees_competitors_goals(database):
    from updoot_app.models import (
        Competitor,
        Contact,
        DealCompetitor,
        DealContact,
        Goal,
        Icp,
        Persona,
    )
    from updoot_app.services.crm import buying_committee

    with db.session_scope() as s:
        ws_id = lifecycle.create_demo(s)[0].id
        other_id = lifecycle.create_demo(s)[0].id

    def rows(s, model):
        return s.exec(select(model).where(model.workspace_id == ws_id)).all()

    with db.session_scope() as s:
        assert len(rows(s, Icp)) == 1
        roles = {p.buying_role for p in rows(s, Persona)}
        assert {"economic_buyer", "champion", "technical_evaluator", "user"} <= roles
        tiers = [c.fit_tier for c in rows(s, Company)]
        assert None not in tiers and len(set(tiers)) >= 4  # every company scored, a spread
        links = rows(s, DealContact)
        assert links
        for link in links:  # a deal's contacts work at the deal's company
            deal, contact = s.get(Deal, link.deal_id), s.get(Contact, link.contact_id)
            assert deal.company_id == contact.company_id
            assert deal.workspace_id == contact.workspace_id == ws_id
        marks = buying_committee.coverage_marks(s, ws_id, [lk.deal_id for lk in links])
        assert max(m["covered"] for m in marks.values()) >= 2
        assert len(rows(s, Competitor)) == 2 and rows(s, DealCompetitor)
        assert {c.workspace_id for c in s.exec(select(Competitor).join(
            DealCompetitor, DealCompetitor.competitor_id == Competitor.id).where(
            DealCompetitor.workspace_id == ws_id)).all()} == {ws_id}
        assert len(rows(s, Goal)) == 3
    # Purging removes every row of the demo, whatever table it is in.
    with db.session_scope() as s:
        lifecycle.delete_workspaces(s, [ws_id])
    with db.session_scope() as s:
        from sqlmodel import SQLModel

        for table in SQLModel.metadata.sorted_tables:
            if "workspace_id" in table.c:
                left = s.exec(select(func.count()).select_from(table)
                              .where(table.c.workspace_id == ws_id)).one()
                assert left == 0, table.name
        assert s.exec(select(func.count()).select_from(Icp)
                      .where(Icp.workspace_id == other_id)).one() == 1


def test_two_demos_are_isolated(database):
    with db.session_scope() as s:
        ws1, t1 = lifecycle.create_demo(s)
        ws2, t2 = lifecycle.create_demo(s)
    assert principal(t1).workspace_id != principal(t2).workspace_id


def test_old_demos_are_purged_and_real_workspaces_kept(alice):
    with db.session_scope() as s:
        old, old_token = lifecycle.create_demo(s)
        fresh, _ = lifecycle.create_demo(s)
    with db.session_scope() as s:
        ws = s.get(Workspace, old.id)
        ws.created_at = ws.created_at - timedelta(hours=48)
        s.add(ws)
    with db.session_scope() as s:
        assert lifecycle.purge_old_demos(s, max_age_hours=24) == 1
    with db.session_scope() as s:
        ids = set(s.exec(select(Workspace.id)).all())
        assert ids == {alice.workspace_id, fresh.id}
        assert s.exec(select(func.count()).select_from(Company)
                      .where(Company.workspace_id == old.id)).one() == 0
        # Left: alice, and the fresh demo's visitor and seeded team (the old demo's
        # visitor and team are gone). Was `count(User) == 2` before demos had a team.
        fresh_members = set(s.exec(select(Membership.user_id)
                                   .where(Membership.workspace_id == fresh.id)).all())
        assert len(fresh_members) == 1 + lifecycle.TEAM_SIZE
        assert set(s.exec(select(User.id)).all()) == {alice.user_id} | fresh_members
    with pytest.raises(AuthRequired):
        principal(old_token)
