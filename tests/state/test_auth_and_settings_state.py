"""Handlers as a browser would call them: auth flow, settings, isolation, and
what the hydrated state sends to the browser."""

from __future__ import annotations

import json

from sqlmodel import select

from tests.state.conftest import call, events_of, new_state, redirect_target, toast_text
from updoot_app import db
from updoot_app.models import ApiToken, ArchiveExport, AuthSession, Membership, User, Workspace
from updoot_app.services.archive import archive_jobs
from updoot_app.services.identity import workspaces
from updoot_app.services.identity.access import resolve_session
from updoot_app.state.app_state import AppState
from updoot_app.state.identity.auth_state import AuthState
from updoot_app.state.identity.settings_state import SettingsState
from updoot_app.state.kpis.dashboard_state import DashboardState


def test_signup_handler_sets_session_and_redirects(database):
    state = new_state(AuthState)
    result = call(state, "signup", {"email": "new@example.com", "password": "long password 1",
                                    "workspace_name": "New Co", "name": "Nia"})
    assert redirect_target(result) == "/dashboard"
    assert state.auth_token
    with db.session_scope() as s:
        assert resolve_session(s, state.auth_token).workspace_name == "New Co"


def test_signup_handler_shows_error_and_writes_nothing(database):
    state = new_state(AuthState)
    result = call(state, "signup", {"email": "bad", "password": "long password 1",
                                    "workspace_name": "X"})
    assert result is None and "not valid" in state.error and state.auth_token == ""
    with db.session_scope() as s:
        assert s.exec(select(User)).all() == []


def test_hostile_payloads_get_messages_not_crashes(database):
    for payload in (None, "string", 42, [], {"email": ["a"], "password": {"x": 1}}):
        state = new_state(AuthState)
        assert call(state, "login", payload) is None
        assert state.error == "Invalid email or password."
        state = new_state(AuthState)
        call(state, "signup", payload)
        assert state.error


def test_login_and_logout_handlers(alice):
    state = new_state(AuthState)
    assert redirect_target(call(state, "login", {"email": alice.email,
                                                 "password": alice.password})) == "/dashboard"
    token = state.auth_token
    assert token and token != alice.token
    app_state = new_state(AppState, token)
    assert redirect_target(call(app_state, "logout")) == "/"
    assert app_state.auth_token == ""
    with db.session_scope() as s:
        revoked = s.exec(select(AuthSession).where(AuthSession.revoked_at.is_not(None))).all()
    assert len(revoked) == 1


def test_try_demo_logs_into_a_fresh_seeded_workspace(database):
    state = new_state(AuthState)
    assert redirect_target(call(state, "try_demo")) == "/dashboard"
    dash = new_state(DashboardState, state.auth_token)
    call(dash, "load")
    assert dash.companies == 120 and dash.open_deals > 0


def test_load_shell_fills_the_shell(alice):
    state = new_state(AppState, alice.token)
    call(state, "load_shell")
    assert (state.user_email, state.workspace_name, state.role) == (
        alice.email, "Alice Co", "owner")
    assert [w["name"] for w in state.workspaces] == ["Alice Co"]


def test_a_page_load_fills_the_shell_in_the_same_event(alice):
    """Pages load the shell in their own on_load handler (guard(page=True)): opening
    the dashboard is one event, and its shell is filled on the parent AppState."""
    from updoot_app.updoot_app import app

    dashboard = new_state(DashboardState, alice.token)
    call(dashboard, "load")
    shell = dashboard.parent_state
    assert isinstance(shell, AppState)
    assert (shell.user_email, shell.workspace_name, shell.role) == (
        alice.email, "Alice Co", "owner")
    assert [w["name"] for w in shell.workspaces] == ["Alice Co"]
    on_load = app._load_events["dashboard"]
    assert len(on_load) == 1


def test_settings_invite_and_join_through_handlers(alice):
    settings = new_state(SettingsState, alice.token)
    call(settings, "load")
    call(settings, "invite", {"email": "joiner@example.com", "role": "viewer"})
    assert "/invite/" in settings.invite_link
    raw = settings.invite_link.rsplit("/", 1)[1]
    joiner = new_state(AuthState)
    joiner.router.page.params["token"] = raw
    call(joiner, "load_invite")
    assert (joiner.invite_email, joiner.invite_workspace, joiner.invite_role) == (
        "joiner@example.com", "Alice Co", "viewer")
    assert redirect_target(call(joiner, "accept_invite", {"password": "joiner password"})
                           ) == "/dashboard"
    viewer = new_state(SettingsState, joiner.auth_token)
    result = call(viewer, "save_workspace", {"name": "Hijacked"})
    assert "Only an admin" in toast_text(result)
    with db.session_scope() as s:
        assert s.get(Workspace, alice.workspace_id).name == "Alice Co"


def test_settings_handlers_cannot_reach_another_workspace(alice, bob):
    with db.session_scope() as s:
        bob_membership = s.exec(select(Membership.id).where(
            Membership.workspace_id == bob.workspace_id)).one()
    settings = new_state(SettingsState, alice.token)
    for name, args in (("remove_member", [str(bob_membership)]),
                       ("change_role", [str(bob_membership), "viewer"])):
        result = call(settings, name, *args)
        assert "not found" in toast_text(result)
    app_state = new_state(AppState, alice.token)
    assert "not found" in toast_text(call(app_state, "switch_workspace",
                                          str(bob.workspace_id)))
    with db.session_scope() as s:
        assert s.get(Membership, bob_membership).role == "owner"


def test_bad_ids_get_a_message(alice):
    settings = new_state(SettingsState, alice.token)
    for bad in ("", "abc", "-3", "1 OR 1=1", None):
        assert "Invalid id" in toast_text(call(settings, "revoke_token", bad))


def test_hydrated_state_holds_no_secrets_or_other_workspaces(alice, bob):
    # Bob's workspace has a token and an invite; Alice's state must show none of it.
    with db.session_scope() as s:
        from updoot_app.services.identity import tokens

        bob_p = resolve_session(s, bob.token)
        bob_api = tokens.create_token(s, bob_p, "bob-secret-token")
        workspaces.invite(s, bob_p, "bobs-friend@example.com", "member")
    settings = new_state(SettingsState, alice.token)
    call(settings, "load")
    call(settings, "create_token", {"name": "mine"})
    shown_once = settings.new_token
    call(settings, "dismiss_token")
    call(new_state(AppState, alice.token), "load_shell")
    call(new_state(DashboardState, alice.token), "load")
    root = settings
    while root.parent_state is not None:
        root = root.parent_state
    sent = json.dumps(root.dict(), default=str)
    with db.session_scope() as s:
        hashes = [u.password_hash for u in s.exec(select(User)).all()]
        token_hashes = [t.token_hash for t in s.exec(select(ApiToken)).all()]
        session_hashes = [a.token_hash for a in s.exec(select(AuthSession)).all()]
    for secret in hashes + token_hashes + session_hashes + [bob_api, shown_once, bob.token]:
        assert secret not in sent
    for other in ("Bob Ltd", "bob@example.com", "bobs-friend@example.com", "bob-secret-token"):
        assert other not in sent
    assert "$argon2" not in sent


def test_only_the_owner_prepares_the_workspace_archive(alice, bob, tmp_path, monkeypatch):
    monkeypatch.setenv("UPDOOT_EXPORTS_DIR", str(tmp_path))
    handed: list[int] = []
    monkeypatch.setattr(archive_jobs, "_dispatcher", handed.append)
    settings = new_state(SettingsState, alice.token)
    assert call(settings, "load") is None and settings.archive_status == ""
    result = call(settings, "prepare_archive")
    assert "being prepared" in toast_text(result)
    assert any("watch_archive" in str(e) for e in events_of(result))
    assert settings.archive_status == "queued" and settings.archive_busy
    assert settings.archive_url == "" and len(handed) == 1
    again = call(settings, "prepare_archive")   # a second click: the same one
    assert "already being prepared" in toast_text(again) and len(handed) == 1
    reloaded = new_state(SettingsState, alice.token)   # another tab goes on watching
    assert "watch_archive" in str(call(reloaded, "load"))

    archive_jobs.run_archive(handed[0])
    call(settings, "load")
    assert settings.archive_status == "done" and settings.archive_percent == 100
    assert settings.archive_url == f"/downloads/archives/{handed[0]}.zip"
    assert settings.archive_text.startswith("Ready: ")
    assert call(settings, "load") is None   # nothing to watch

    # Bob, owner of his own workspace, sees none of it and asks for his own.
    other = new_state(SettingsState, bob.token)
    call(other, "load")
    assert other.archive_status == "" and other.archive_url == ""

    call(settings, "invite", {"email": "admin@example.com", "role": "admin"})
    joiner = new_state(AuthState)
    joiner.router.page.params["token"] = settings.invite_link.rsplit("/", 1)[1]
    call(joiner, "accept_invite", {"password": "admin password 1"})
    admin = new_state(SettingsState, joiner.auth_token)
    call(admin, "load")
    assert admin.archive_status == "" and admin.archive_url == ""   # not shown below owner
    refused = call(admin, "prepare_archive")
    assert "owner" in toast_text(refused) and len(handed) == 1
    with db.session_scope() as s:
        assert len(s.exec(select(ArchiveExport)).all()) == 1
