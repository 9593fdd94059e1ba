"""Sign-up, login, sessions, rate limits, password change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.conftest import make_actor
from updoot_app import db
from updoot_app.models import AuthSession, User
from updoot_app.services.identity import auth, sessions
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.platform.errors import AuthRequired, RateLimited, ValidationError
from updoot_app.services.platform.security import token_hash


def login(email, password, **kw):
    with db.session_scope() as s:
        return auth.login(s, email, password, **kw)


def principal(token):
    with db.session_scope() as s:
        return resolve_session(s, token)


def test_signup_creates_owner_workspace_and_argon2_hash(database):
    actor = make_actor("Ann@Example.com", "Ann's Shop")
    p = principal(actor.token)
    assert p.email == "ann@example.com" and p.role == "owner"
    assert p.workspace_name == "Ann's Shop" and p.workspace_slug == "ann-s-shop"
    with db.session_scope() as s:
        user = s.exec(select(User)).one()
        assert user.password_hash.startswith("$argon2id$")
        assert actor.password not in user.password_hash
        row = s.exec(select(AuthSession)).one()
        assert row.token_hash == token_hash(actor.token) != actor.token


@pytest.mark.parametrize(("email", "password", "workspace", "field"), [
    ("not-an-email", "long enough pw", "W", "email"),
    ("a@example.com", "short", "W", "password"),
    ("a@example.com", "long enough pw", "  ", "workspace_name"),
    (None, "long enough pw", "W", "email"),
    ("a@example.com", 12345678901, "W", "password"),
])
def test_signup_rejects_bad_input_and_writes_nothing(database, email, password, workspace, field):
    with pytest.raises(ValidationError) as err, db.session_scope() as s:
        auth.signup(s, email, password, workspace)
    assert err.value.field == field
    with db.session_scope() as s:
        assert s.exec(select(User)).all() == []


def test_signup_with_taken_email_is_refused(alice):
    with pytest.raises(ValidationError), db.session_scope() as s:
        auth.signup(s, alice.email, "another long password", "Other")


def test_login_messages_do_not_reveal_whether_email_exists(alice):
    with pytest.raises(AuthRequired) as unknown:
        login("nobody@example.com", "whatever password")
    with pytest.raises(AuthRequired) as wrong:
        login(alice.email, "wrong password!!")
    assert str(unknown.value) == str(wrong.value) == "Invalid email or password."


def test_login_rotates_the_session_token(alice):
    new = login(alice.email, alice.password, previous_token=alice.token)
    assert new != alice.token
    assert principal(new).user_id == alice.user_id
    with pytest.raises(AuthRequired):
        principal(alice.token)


def test_logout_revokes_the_session(alice):
    with db.session_scope() as s:
        sessions.end_session(s, alice.token)
    with pytest.raises(AuthRequired):
        principal(alice.token)


def test_expired_session_is_refused(alice):
    with db.session_scope() as s:
        row = s.exec(select(AuthSession)).one()
        row.expires_at = row.created_at - timedelta(seconds=1)
        s.add(row)
    with pytest.raises(AuthRequired):
        principal(alice.token)


@pytest.mark.parametrize("token", ["", None, 42, "x" * 19, "x" * 500, "a" * 43])
def test_garbage_tokens_are_refused(database, token):
    with pytest.raises(AuthRequired):
        principal(token)


def test_login_is_rate_limited_per_email_even_with_the_right_password(alice):
    for _ in range(5):
        with pytest.raises(AuthRequired):
            login(alice.email, "wrong password!!", client_ip="10.0.0.1")
    with pytest.raises(RateLimited):
        login(alice.email, alice.password, client_ip="10.0.0.2")
    # The same limit for an unknown address: the response does not tell them apart.
    for _ in range(5):
        with pytest.raises(AuthRequired):
            login("ghost@example.com", "wrong password!!", client_ip="10.0.0.3")
    with pytest.raises(RateLimited):
        login("ghost@example.com", "wrong password!!", client_ip="10.0.0.4")


def test_login_is_rate_limited_per_client_across_emails(database):
    for i in range(20):
        with pytest.raises(AuthRequired):
            login(f"user{i}@example.com", "wrong password!!", client_ip="10.9.9.9")
    with pytest.raises(RateLimited):
        login("fresh@example.com", "wrong password!!", client_ip="10.9.9.9")


def test_successful_login_clears_the_email_counter(alice):
    for _ in range(4):
        with pytest.raises(AuthRequired):
            login(alice.email, "wrong password!!")
    login(alice.email, alice.password)
    for _ in range(4):
        with pytest.raises(AuthRequired):
            login(alice.email, "wrong password!!")
    login(alice.email, alice.password)


def test_change_password_ends_other_sessions_and_keeps_this_one(alice):
    other = login(alice.email, alice.password)
    p = principal(alice.token)
    with db.session_scope() as s:
        auth.change_password(s, alice.user_id, alice.password, "a brand new password",
                             keep_session_id=p.session_id)
    assert principal(alice.token).user_id == alice.user_id
    with pytest.raises(AuthRequired):
        principal(other)
    login(alice.email, "a brand new password")
    with pytest.raises(AuthRequired):
        login(alice.email, alice.password)


def test_change_password_needs_the_current_one(alice):
    with pytest.raises(ValidationError) as err, db.session_scope() as s:
        auth.change_password(s, alice.user_id, "not my password", "a brand new password")
    assert err.value.field == "current_password"
    login(alice.email, alice.password)


def test_change_password_validates_the_new_one(alice):
    with pytest.raises(ValidationError) as err, db.session_scope() as s:
        auth.change_password(s, alice.user_id, alice.password, "short")
    assert err.value.field == "new_password"


def test_token_hashes_are_keyed_with_the_secret(alice, monkeypatch):
    assert token_hash(alice.token) != __import__("hashlib").sha256(
        alice.token.encode()).hexdigest()
    principal(alice.token)
    monkeypatch.setenv("UPDOOT_SECRET_KEY", "another long secret key")
    with pytest.raises(AuthRequired):  # a new key ends every session
        principal(alice.token)
