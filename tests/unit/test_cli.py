"""The `updoot` command: migrate, user create, token create, demo, purge-demos."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import func
from sqlmodel import select

from updoot_app import db
from updoot_app.cli import main
from updoot_app.models import Company, Workspace
from updoot_app.services.identity.access import resolve_api_token


def run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_migrate_is_idempotent(database):
    code, out = run("migrate")
    assert code == 0 and "up to date" in out


def test_user_create_then_token_create(database):
    code, out = run("user", "create", "--email", "Cli@Example.com", "--password",
                    "cli password 123", "--workspace", "Cli Co")
    assert code == 0 and "cli-co" in out
    code, out = run("token", "create", "--email", "cli@example.com", "--workspace", "cli-co")
    assert code == 0
    token = out.strip()
    with db.session_scope() as s:
        p = resolve_api_token(s, token)
    assert p.email == "cli@example.com" and p.workspace_slug == "cli-co"


def test_bad_input_gets_a_message_and_exit_code_2(database):
    code, out = run("user", "create", "--email", "nope", "--password", "cli password 123",
                    "--workspace", "X")
    assert code == 2 and "not valid" in out
    code, out = run("token", "create", "--email", "ghost@example.com", "--workspace", "x")
    assert code == 2 and "No such member" in out


def test_demo_seeds_a_workspace_and_purge_keeps_it_while_young(database):
    code, out = run("demo", "--companies", "30")
    assert code == 0
    with db.session_scope() as s:
        ws = s.exec(select(Workspace)).one()
        assert ws.is_demo
        assert s.exec(select(func.count()).select_from(Company)).one() == 30
    code, out = run("purge-demos")
    assert code == 0 and "Purged 0" in out
    code, out = run("purge-demos", "--max-age-hours", "-1")
    assert "Purged 1" in out
