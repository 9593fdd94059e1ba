"""ICP versioning, validation, workspace isolation, roles, re-scoring, personas."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import update
from sqlmodel import select

from updoot_app import db
from updoot_app.models import Activity, Company, Contact, Icp, IcpVersion, Membership, Persona
from updoot_app.services.demo.seed import seed_workspace
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.platform.errors import Forbidden, NotFound, ValidationError
from updoot_app.services.profiles import fit, icp_reads, icps, personas, scoring, tiers

EXAMPLE = {
    "name": "Mid-market security buyers", "kind": "b2b",
    "criteria": [
        {"field": "industry", "values": ["Technology", "Financial Services"], "weight": 40},
        {"field": "employees", "min": 500, "max": 2000, "weight": 30},
        {"field": "geography", "values": ["North America", "Europe"], "weight": 20},
        {"field": "tech_stack", "values": ["AWS"], "weight": 10}],
    "disqualifiers": [{"field": "industry", "values": ["Government"]}],
}


def P(actor):
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


def body(**changes):
    return copy.deepcopy(EXAMPLE) | changes


def create(actor, payload=None):
    with db.session_scope() as s:
        return icps.create_icp(s, P(actor), payload or body()).id


def seed(actor, n=50):
    with db.session_scope() as s:
        seed_workspace(s, actor.workspace_id, [actor.user_id], companies=n)


def stored_fits(workspace_id):
    with db.session_scope() as s:
        rows = s.exec(select(Company.id, Company.fit_score, Company.fit_tier, Company.fit_icp_id,
                             Company.fit_results)
                      .where(Company.workspace_id == workspace_id).order_by(Company.id)).all()
    return {r[0]: tuple(r[1:]) for r in rows}


# --------------------------------------------------------------------------- versions


def test_create_stores_version_one_and_logs(alice):
    icp_id = create(alice)
    with db.session_scope() as s:
        icp = s.get(Icp, icp_id)
        out = icp_reads.icp_out(s, icp)
        vs = icp_reads.versions(s, P(alice), icp_id)
        logged = s.exec(select(Activity.action).where(Activity.entity_type == "icp")).all()
    assert [v.number for v in vs] == [1]
    assert out["version"] == 1 and out["is_active"] and out["kind"] == "b2b"
    assert out["criteria"][1] == {"field": "employees", "min": 500, "max": 2000, "weight": 30}
    assert "icp.create" in logged


def test_update_adds_a_version_and_keeps_the_old_one(alice):
    icp_id = create(alice)
    new_criteria = copy.deepcopy(EXAMPLE["criteria"])
    new_criteria[0]["weight"], new_criteria[1]["weight"] = 30, 40
    with db.session_scope() as s:
        icps.update_icp(s, P(alice), icp_id, {"criteria": new_criteria, "pain_points": ["cost"]})
    with db.session_scope() as s:
        vs = icp_reads.versions(s, P(alice), icp_id)
        icp = s.get(Icp, icp_id)
    assert [v.number for v in vs] == [1, 2]
    assert vs[0].payload["criteria"][0]["weight"] == 40
    assert vs[1].payload["criteria"][0]["weight"] == 30
    assert icp.current_version_id == vs[1].id and icp.pain_points == ["cost"]


def test_update_without_change_adds_no_version(alice):
    icp_id = create(alice)
    with db.session_scope() as s:
        icps.update_icp(s, P(alice), icp_id, {"name": EXAMPLE["name"]})
        assert len(icp_reads.versions(s, P(alice), icp_id)) == 1


def test_restore_makes_a_new_version_with_the_old_payload(alice):
    icp_id = create(alice)
    with db.session_scope() as s:
        icps.update_icp(s, P(alice), icp_id, {"name": "Renamed"})
    with db.session_scope() as s:
        restored = icps.restore_version(s, P(alice), icp_id, 1)
        assert restored.number == 3
    with db.session_scope() as s:
        vs = icp_reads.versions(s, P(alice), icp_id)
        icp = s.get(Icp, icp_id)
    assert [v.number for v in vs] == [1, 2, 3]
    assert vs[2].payload == vs[0].payload and icp.name == EXAMPLE["name"]
    with pytest.raises(NotFound), db.session_scope() as s:
        icps.restore_version(s, P(alice), icp_id, 9)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(("payload", "field"), [
    (body(criteria=[{"field": "industry", "values": ["Technology"], "weight": 90}]), "criteria"),
    (body(criteria=[{"field": "employees", "min": 2000, "max": 500, "weight": 100}]),
     "criteria[0].min"),
    (body(criteria=[{"field": "geography", "values": ["Atlantis"], "weight": 100}]),
     "criteria[0].values"),
    (body(criteria=[]), "criteria"),
    (body(name="  "), "name"),
    (body(name="x" * 121), "name"),
    (body(kind="b2x"), "kind"),
    (body(pain_points="compliance"), "pain_points"),
    (body(pain_points=["ok", ""]), "pain_points[1]"),
    (body(is_active="yes"), "is_active"),
    (body(disqualifiers=[{"field": "tags", "values": [f"t{i}"]} for i in range(21)]),
     "disqualifiers"),
])
def test_invalid_icp_is_refused_naming_the_field(alice, payload, field):
    with pytest.raises(ValidationError) as info, db.session_scope() as s:
        icps.create_icp(s, P(alice), payload)
    assert info.value.field == field and str(info.value)
    with db.session_scope() as s:
        assert s.exec(select(Icp)).all() == []


def test_invalid_update_changes_nothing(alice):
    icp_id = create(alice)
    with pytest.raises(ValidationError) as info, db.session_scope() as s:
        icps.update_icp(s, P(alice), icp_id, {"criteria": [
            {"field": "employees", "min": 10, "max": 5, "weight": 100}]})
    assert info.value.field == "criteria[0].min"
    with db.session_scope() as s:
        assert len(icp_reads.versions(s, P(alice), icp_id)) == 1


# --------------------------------------------------------------------------- access


def test_other_workspace_icps_and_personas_are_not_found(alice, bob):
    icp_id = create(bob)
    with db.session_scope() as s:
        persona_id = personas.create_persona(s, P(bob), icp_id, icps.SECURITY_SARAH).id
    calls = [
        lambda s: icp_reads.get_icp(s, P(alice), icp_id),
        lambda s: icp_reads.versions(s, P(alice), icp_id),
        lambda s: icps.update_icp(s, P(alice), icp_id, {"name": "Mine"}),
        lambda s: icps.restore_version(s, P(alice), icp_id, 1),
        lambda s: icps.set_active(s, P(alice), icp_id, False),
        lambda s: icps.delete_icp(s, P(alice), icp_id),
        lambda s: personas.list_personas(s, P(alice), icp_id),
        lambda s: personas.create_persona(s, P(alice), icp_id, icps.SECURITY_SARAH),
        lambda s: personas.get_persona(s, P(alice), persona_id),
        lambda s: personas.update_persona(s, P(alice), persona_id, {"name": "X"}),
        lambda s: personas.delete_persona(s, P(alice), persona_id),
    ]
    for call in calls:
        with pytest.raises(NotFound), db.session_scope() as s:
            call(s)
    with db.session_scope() as s:
        assert icp_reads.list_icps(s, P(alice)) == []
        assert s.get(Icp, icp_id).name == EXAMPLE["name"]


def _make_viewer(actor):
    with db.session_scope() as s:
        m = s.exec(select(Membership).where(Membership.user_id == actor.user_id)).one()
        m.role = "viewer"
        s.add(m)


def test_viewer_can_read_but_not_write(alice):
    icp_id = create(alice)
    with db.session_scope() as s:
        persona_id = personas.create_persona(s, P(alice), icp_id, icps.SECURITY_SARAH).id
    _make_viewer(alice)
    with db.session_scope() as s:
        assert [i.id for i in icp_reads.list_icps(s, P(alice))] == [icp_id]
        assert len(personas.list_personas(s, P(alice), icp_id)) == 1
    writes = [
        lambda s: icps.create_icp(s, P(alice), body()),
        lambda s: icps.update_icp(s, P(alice), icp_id, {"name": "X"}),
        lambda s: icps.restore_version(s, P(alice), icp_id, 1),
        lambda s: icps.set_active(s, P(alice), icp_id, False),
        lambda s: icps.delete_icp(s, P(alice), icp_id),
        lambda s: icps.create_from_template(s, P(alice), "cybersecurity"),
        lambda s: personas.create_persona(s, P(alice), icp_id, icps.SECURITY_SARAH),
        lambda s: personas.update_persona(s, P(alice), persona_id, {"name": "X"}),
        lambda s: personas.delete_persona(s, P(alice), persona_id),
    ]
    for call in writes:
        with pytest.raises(Forbidden), db.session_scope() as s:
            call(s)


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


# --------------------------------------------------------------------------- templates


def test_cybersecurity_template_is_valid_and_creates_its_persona(alice):
    template = icps.TEMPLATES["cybersecurity"]
    spec, payload = icps.validate_payload(template["icp"])
    assert sum(c.weight for c in spec.criteria) == 100
    assert "compliance" in payload["pain_points"]
    fields = {c.field: c for c in spec.criteria}
    assert set(fields["industry"].values) == {"Technology", "Financial Services"}
    assert (fields["employees"].min, fields["employees"].max) == (500, 2000)
    assert {"data breach", "new regulation", "audit", "rapid hiring"} <= set(
        fields["triggers"].values)
    with db.session_scope() as s:
        icp = icps.create_from_template(s, P(alice), "cybersecurity")
        people = personas.list_personas(s, P(alice), icp.id)
    assert [(p.name, p.role_title, p.buying_role) for p in people] == [
        ("Security Sarah", "IT Director", "economic_buyer")]
    with pytest.raises(NotFound), db.session_scope() as s:
        icps.create_from_template(s, P(alice), "nope")


# --------------------------------------------------------------------------- personas


def test_persona_crud_and_validation(alice):
    icp_id = create(alice)
    with db.session_scope() as s:
        persona = personas.create_persona(s, P(alice), icp_id, icps.SECURITY_SARAH)
        persona_id = persona.id
        s.add(Contact(workspace_id=alice.workspace_id, first_name="Sue", persona_id=persona_id))
    with db.session_scope() as s:
        updated = personas.update_persona(s, P(alice), persona_id,
                                          {"buying_role": "champion", "goals": [" a ", "b"]})
        assert updated.buying_role == "champion" and updated.goals == ["a", "b"]
        assert updated.role_title == "IT Director"
    bad = [
        ({"role_title": "CTO", "buying_role": "user"}, "name"),
        ({"name": "Al", "buying_role": "user"}, "role_title"),
        ({"name": "Al", "role_title": "CTO", "buying_role": "boss"}, "buying_role"),
        ({"name": "Al", "role_title": "CTO", "buying_role": "user", "goals": "win"}, "goals"),
        ({"name": "Al", "role_title": "CTO", "buying_role": "user", "channels": [1]},
         "channels[0]"),
        ({"name": "A" * 121, "role_title": "CTO", "buying_role": "user"}, "name"),
        ({"name": "Al", "role_title": "CTO", "buying_role": "user", "background": "x" * 2001},
         "background"),
    ]
    for payload, field in bad:
        with pytest.raises(ValidationError) as info, db.session_scope() as s:
            personas.create_persona(s, P(alice), icp_id, payload)
        assert info.value.field == field
    with pytest.raises(ValidationError), db.session_scope() as s:
        personas.update_persona(s, P(alice), persona_id, {"name": ""})
    with db.session_scope() as s:
        personas.delete_persona(s, P(alice), persona_id)
    with db.session_scope() as s:
        assert s.exec(select(Persona)).all() == []
        assert s.exec(select(Contact.persona_id)).one() is None
        actions = set(s.exec(select(Activity.action)).all())
    assert {"persona.create", "persona.update", "persona.delete"} <= actions


def test_deleting_an_icp_deletes_its_personas(alice):
    icp_id = create(alice)
    with db.session_scope() as s:
        personas.create_persona(s, P(alice), icp_id, icps.SECURITY_SARAH)
    with db.session_scope() as s:
        icps.delete_icp(s, P(alice), icp_id)
    with db.session_scope() as s:
        assert s.exec(select(Persona)).all() == []
        assert s.exec(select(Icp)).all() == []


def _p(name, title, role):
    return {"name": name, "role_title": title, "buying_role": role}


def test_persona_warnings():
    good = [_p("Sarah", "IT Director", "economic_buyer"), _p("Dev", "DevOps Lead", "user"),
            _p("Carl", "CISO", "champion")]
    assert personas.persona_warnings(good) == []
    few = personas.persona_warnings(good[:2])
    assert len(few) == 1 and "3 to 5" in few[0]
    many = good + [_p(f"P{i}", f"Role {i} unique title {i * 'x'}", "user") for i in range(3)]
    assert any("6 personas" in w for w in personas.persona_warnings(many))
    no_buyer = personas.persona_warnings([_p("A", "CTO", "user"), _p("B", "CFO", "blocker"),
                                          _p("C", "Analyst", "champion")])
    assert no_buyer == ["No persona is the economic buyer: who signs off on the budget?"]
    dup = personas.persona_warnings(good + [_p("Ian", "IT director", "economic_buyer")])
    assert len(dup) == 1 and "'Sarah' and 'Ian' look alike" in dup[0]
    # Similar titles with different buying roles are fine.
    assert personas.persona_warnings(good + [_p("Ian", "IT Directors", "blocker")]) == []
    same_name = personas.persona_warnings(good + [_p("sarah", "Buyer", "blocker")])
    assert len(same_name) == 1 and "called" in same_name[0]
    assert personas.persona_warnings([]) == ["0 personas so far: describe 3 to 5 people "
                                             "involved in the purchase."]
