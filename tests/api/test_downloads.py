"""GET /downloads/archives/{id}.zip (api/routes_downloads.py): the archive prepared
in Settings, for an owner of its workspace by the browser's session cookie; 401
without a session, 403 below owner, 404 for another workspace's or an unfinished one."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from updoot_app import db
from updoot_app.services.archive import archive_jobs
from updoot_app.services.identity import workspaces
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.identity.sessions import SESSION_COOKIE


@pytest.fixture
def made(alice, tmp_path, monkeypatch):
    """Alice's archive, asked for and written; its URL."""
    monkeypatch.setenv("UPDOOT_EXPORTS_DIR", str(tmp_path))
    monkeypatch.setattr(archive_jobs, "_dispatcher", None)
    with db.session_scope() as s:
        export_id = archive_jobs.request_archive(s, resolve_session(s, alice.token)).export_id
    assert archive_jobs.run_archive(export_id).status == "done"
    return f"/downloads/archives/{export_id}.zip"


def cookie(token: str) -> dict:
    return {"Cookie": f"{SESSION_COOKIE}={token}"}


def test_the_owner_downloads_the_zip(client, alice, made):
    answer = client.get(made, headers=cookie(alice.token))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    assert answer.headers["cache-control"] == "no-store"
    assert f'filename="{alice.workspace_slug}-archive-' in answer.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        assert json.loads(archive.read("manifest.json"))["workspace"]["slug"] == \
            alice.workspace_slug


def test_nobody_else_gets_it(client, alice, bob, made):
    assert client.get(made).status_code == 401
    assert client.get(made, headers=cookie("x" * 40)).status_code == 401
    assert client.get(made, headers={"Authorization": f"Bearer {alice.token}"}).status_code \
        == 401   # a cookie, not a header
    assert client.get(made, headers=cookie(bob.token)).status_code == 404   # not in his
    missing = made.replace(".zip", "0.zip")
    assert client.get(missing, headers=cookie(alice.token)).status_code == 404
    with db.session_scope() as s:
        raw = workspaces.invite(s, resolve_session(s, alice.token), "admin@example.com", "admin")
    with db.session_scope() as s:
        _user, admin_token = workspaces.accept_invite(s, raw, "admin password 1", "Admin")
    assert client.get(made, headers=cookie(admin_token)).status_code == 403
