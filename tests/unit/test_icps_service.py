"""ICP versioning, validation, workspace isolation, roles, templates, personas."""

from __future__ import annotations

import copy

import pytest
from sqlmodel import select

from tests.unit.icps_helpers import EXAMPLE, P, body, create
from updoot_app import db
from updoot_app.models import Activity, Contact, Icp, Membership, Persona
from updoot_app.services.platform.errors import Forbidden, NotFound, ValidationError
from updoot_app.services.profiles import icp_reads, icps, personas

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
