"""Members, roles, invites, switching; other workspaces' rows do not exist."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import make_actor
from updoot_app import db
from updoot_app.models import Membership, Stage
from updoot_app.services.identity import workspaces
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.platform.errors import AuthRequired, Forbidden, NotFound, ValidationError


def principal(token):
    with db.session_scope() as s:
        return resolve_session(s, token)


def invite_and_join(owner, email, role, password="invitee password 1"):
    with db.session_scope() as s:
        raw = workspaces.invite(s, principal(owner.token), email, role)
    with db.session_scope() as s:
        user, token = workspaces.accept_invite(s, raw, password, "Invitee")
    return token


def membership_id(workspace_id, email):
    with db.session_scope() as s:
        from updoot_app.models import User

        return s.exec(select(Membership.id).join(User, User.id == Membership.user_id)
                      .where(Membership.workspace_id == workspace_id, User.email == email)).one()


def test_new_workspace_has_default_stages(alice):
    with db.session_scope() as s:
        names = [st.name for st in s.exec(select(Stage).where(
            Stage.workspace_id == alice.workspace_id).order_by(Stage.position))]
    assert names == ["New", "Contacted", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]


def test_invite_link_lets_a_new_person_join_with_the_role(alice):
    token = invite_and_join(alice, "new@example.com", "member")
    p = principal(token)
    assert p.workspace_id == alice.workspace_id and p.role == "member"
    with db.session_scope() as s:
        emails = [m["email"] for m in workspaces.members(s, principal(alice.token))]
    assert emails == ["alice@example.com", "new@example.com"]


def test_invite_is_single_use(alice):
    with db.session_scope() as s:
        raw = workspaces.invite(s, principal(alice.token), "x@example.com", "viewer")
    with db.session_scope() as s:
        workspaces.accept_invite(s, raw, "invitee password 1")
    with pytest.raises(NotFound), db.session_scope() as s:
        workspaces.accept_invite(s, raw, "invitee password 1")


def test_existing_user_accepts_with_their_password(alice, bob):
    with db.session_scope() as s:
        raw = workspaces.invite(s, principal(alice.token), bob.email, "admin")
    with pytest.raises(ValidationError), db.session_scope() as s:
        workspaces.accept_invite(s, raw, "not bob's password")
    with db.session_scope() as s:
        _, token = workspaces.accept_invite(s, raw, bob.password)
    assert principal(token).workspace_id == alice.workspace_id
    with db.session_scope() as s:
        names = {w["name"] for w in workspaces.workspaces_of(s, bob.user_id)}
    assert names == {"Alice Co", "Bob Ltd"}


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_cannot_invite(alice, role):
    token = invite_and_join(alice, "m@example.com", role)
    with pytest.raises(Forbidden), db.session_scope() as s:
        workspaces.invite(s, principal(token), "y@example.com", "member")


def test_admin_cannot_make_owners(alice):
    admin = invite_and_join(alice, "admin@example.com", "admin")
    with pytest.raises(Forbidden), db.session_scope() as s:
        workspaces.invite(s, principal(admin), "z@example.com", "owner")
    mid = membership_id(alice.workspace_id, "alice@example.com")
    with pytest.raises(Forbidden), db.session_scope() as s:
        workspaces.change_role(s, principal(admin), mid, "viewer")


def test_owner_changes_roles_and_last_owner_is_kept(alice):
    token = invite_and_join(alice, "m@example.com", "member")
    mid = membership_id(alice.workspace_id, "m@example.com")
    with db.session_scope() as s:
        workspaces.change_role(s, principal(alice.token), mid, "viewer")
    assert principal(token).role == "viewer"
    me = membership_id(alice.workspace_id, alice.email)
    with pytest.raises(ValidationError), db.session_scope() as s:
        workspaces.change_role(s, principal(alice.token), me, "admin")
    with pytest.raises(ValidationError), db.session_scope() as s:
        workspaces.change_role(s, principal(alice.token), mid, "superuser")


def test_removed_member_loses_access_at_once(alice):
    token = invite_and_join(alice, "m@example.com", "member")
    mid = membership_id(alice.workspace_id, "m@example.com")
    with db.session_scope() as s:
        workspaces.remove_member(s, principal(alice.token), mid)
    with pytest.raises(AuthRequired):
        principal(token)


def test_other_workspaces_rows_do_not_exist(alice, bob):
    bob_member = membership_id(bob.workspace_id, bob.email)
    with db.session_scope() as s:
        raw = workspaces.invite(s, principal(bob.token), "inv@example.com", "member")
        bob_invite = s.exec(select(workspaces.Invite.id)).one()
    assert raw
    for call in (
        lambda s: workspaces.change_role(s, principal(alice.token), bob_member, "viewer"),
        lambda s: workspaces.remove_member(s, principal(alice.token), bob_member),
        lambda s: workspaces.revoke_invite(s, principal(alice.token), bob_invite),
        lambda s: workspaces.switch_workspace(s, principal(alice.token), bob.workspace_id),
    ):
        with pytest.raises(NotFound), db.session_scope() as s:
            call(s)
    assert principal(bob.token).role == "owner"


@pytest.mark.parametrize("bad", [None, "", "abc", -1, 0, True, 1.5, "1; DROP TABLE users"])
def test_ids_from_clients_are_validated(alice, bad):
    with pytest.raises(ValidationError), db.session_scope() as s:
        workspaces.remove_member(s, principal(alice.token), bad)


def test_switch_workspace_moves_the_session(alice, bob):
    with db.session_scope() as s:
        raw = workspaces.invite(s, principal(alice.token), bob.email, "member")
    with db.session_scope() as s:
        workspaces.accept_invite(s, raw, bob.password)
    with db.session_scope() as s:
        workspaces.switch_workspace(s, principal(bob.token), alice.workspace_id)
    assert principal(bob.token).workspace_id == alice.workspace_id


def test_settings_update_validates_and_logs(alice):
    with pytest.raises(ValidationError), db.session_scope() as s:
        workspaces.update_settings(s, principal(alice.token), "Name", "XYZ")
    with pytest.raises(ValidationError), db.session_scope() as s:
        workspaces.update_settings(s, principal(alice.token), "Name", "EUR", "0")
    with db.session_scope() as s:
        ws = workspaces.update_settings(s, principal(alice.token), "Renamed", "EUR", "30")
        assert (ws.name, ws.currency, ws.stale_after_days) == ("Renamed", "EUR", 30)


def test_another_signup_gets_a_unique_slug(database):
    a = make_actor("a@example.com", "Same Name")
    b = make_actor("b@example.com", "Same Name")
    assert a.workspace_slug == "same-name" and b.workspace_slug.startswith("same-name-")
