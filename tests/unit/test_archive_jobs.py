"""Settings → Your data as a job (services/archive/archive_jobs.py): an owner asks,
the job writes the zip with its progress in the row, a failure says why, old and
expired files go, and nobody but an owner of the workspace sees or gets one."""

from __future__ import annotations

import io
import json
import os
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from updoot_app import db
from updoot_app.models import ArchiveExport, Membership
from updoot_app.models.types import utcnow
from updoot_app.services.archive import archive_job_reads, archive_jobs, workspace_dump
from updoot_app.services.archive import workspace_format as fmt
from updoot_app.services.identity import workspaces
from updoot_app.services.identity.access import Principal, resolve_session
from updoot_app.services.platform.errors import Forbidden, NotFound


@pytest.fixture
def exports(tmp_path, monkeypatch):
    """Archives in a folder of this test; handed-over ids recorded, not queued."""
    folder = tmp_path / "exports"
    monkeypatch.setenv("UPDOOT_EXPORTS_DIR", str(folder))
    handed: list[int] = []
    monkeypatch.setattr(archive_jobs, "_dispatcher", handed.append)
    return type("Exports", (), {"folder": folder, "handed": handed})


def principal(actor) -> Principal:
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


def joined(owner, email: str, role: str) -> Principal:
    with db.session_scope() as s:
        raw = workspaces.invite(s, principal(owner), email, role)
    with db.session_scope() as s:
        _user, token = workspaces.accept_invite(s, raw, "invitee password 1", "Invitee")
    with db.session_scope() as s:
        return resolve_session(s, token)


def request(p: Principal) -> archive_jobs.Requested:
    with db.session_scope() as s:
        return archive_jobs.request_archive(s, p)


def row(export_id: int) -> ArchiveExport:
    with db.session_scope() as s:
        return s.get(ArchiveExport, export_id)


def rows() -> list[ArchiveExport]:
    with db.session_scope() as s:
        return list(s.exec(select(ArchiveExport).order_by(ArchiveExport.id)))


def latest(p: Principal):
    with db.session_scope() as s:
        return archive_job_reads.latest_archive(s, p)


def test_an_owner_asks_and_the_job_writes_the_archive(alice, exports):
    p = principal(alice)
    asked = request(p)
    assert asked.started and exports.handed == [asked.export_id]  # after COMMIT
    queued = latest(p)
    assert queued.status == "queued" and queued.in_progress and queued.download_url == ""
    assert archive_job_reads.describe(queued).startswith("Waiting")

    outcome = archive_jobs.run_archive(asked.export_id)
    assert outcome.status == "done" and outcome.path.parent == exports.folder / str(
        alice.workspace_id)
    done = row(asked.export_id)
    assert done.status == "done" and done.active_workspace_id is None
    assert done.files_done == done.files_total == len(fmt.TABLES) + 8  # + users, 6 CSV, manifest
    assert done.file_size == outcome.path.stat().st_size
    assert done.expires_at - done.finished_at == archive_jobs.EXPIRES_AFTER
    with zipfile.ZipFile(outcome.path) as archive:
        manifest = json.loads(archive.read(fmt.MANIFEST))
        assert manifest["workspace"]["slug"] == alice.workspace_slug
        assert manifest["tables"]["memberships"] == 1
        assert json.loads(archive.read(fmt.USERS)) == [
            {"id": alice.user_id, "email": alice.email, "name": ""}]
        assert done.rows_written == sum(manifest["tables"].values())
    view = latest(p)
    assert view.percent == 100 and view.download_url == f"/downloads/archives/{done.id}.zip"
    assert archive_job_reads.describe(view).startswith("Ready: ")
    assert not list(outcome.path.parent.glob("*.part"))


def test_the_job_writes_the_same_archive_as_updoot_export(alice, exports):
    p = principal(alice)
    outcome = archive_jobs.run_archive(request(p).export_id)
    with db.session_scope() as s:
        in_memory = workspace_dump.dump_workspace(s, p)
    with zipfile.ZipFile(outcome.path) as job, zipfile.ZipFile(io.BytesIO(in_memory)) as cli:
        assert sorted(job.namelist()) == sorted(cli.namelist())
        for name in job.namelist():
            if name != fmt.MANIFEST:
                assert job.read(name) == cli.read(name), name


def test_progress_is_recorded_as_the_job_goes(alice, exports, monkeypatch):
    monkeypatch.setattr(archive_jobs, "PROGRESS_EVERY_S", 0)
    seen = []
    real = archive_jobs.write_progress

    def spy(export_id, progress):
        real(export_id, progress)
        r = row(export_id)
        seen.append((r.status, r.files_done, r.files_total, r.rows_written))

    monkeypatch.setattr(archive_jobs, "write_progress", spy)
    p = principal(alice)
    export_id = request(p).export_id
    archive_jobs.run_archive(export_id)
    total = len(fmt.TABLES) + 8
    assert [s[1] for s in seen] == list(range(1, total + 1))
    assert {s[0] for s in seen} == {"running"} and {s[2] for s in seen} == {total}
    rows_seen = [s[3] for s in seen]
    assert rows_seen == sorted(rows_seen) and rows_seen[-1] == row(export_id).rows_written
    mid = archive_job_reads.describe(archive_job_reads.ArchiveView(
        export_id, "running", 3, total, 12, None, utcnow(), None, None, None))
    assert mid == f"Writing: 3 of {total} files, 12 rows so far."


def test_a_second_request_while_one_is_in_the_making_starts_nothing(alice, exports,
                                                                    monkeypatch):
    p = principal(alice)
    first = request(p)
    again = request(p)
    assert not again.started and again.export_id == first.export_id
    assert exports.handed == [first.export_id] and len(rows()) == 1
    archive_jobs._claim(first.export_id, utcnow())   # running: still the same one
    assert request(p) == archive_jobs.Requested(first.export_id, started=False)
    # A request that read "none in the making" just before another one's COMMIT:
    # the unique column turns its insert away, and it answers with the winner's row.
    real_active, reads = archive_jobs._active, []

    def stale_first_read(session, workspace_id):
        reads.append(workspace_id)
        return None if len(reads) == 1 else real_active(session, workspace_id)

    monkeypatch.setattr(archive_jobs, "_active", stale_first_read)
    assert request(p) == archive_jobs.Requested(first.export_id, started=False)
    assert len(rows()) == 1 and exports.handed == [first.export_id]


def test_a_job_run_twice_writes_once(alice, exports):
    export_id = request(principal(alice)).export_id
    assert archive_jobs.run_archive(export_id).status == "done"
    assert archive_jobs.run_archive(export_id).status == "skipped"
    assert len(list((exports.folder / str(alice.workspace_id)).iterdir())) == 1


def test_a_failure_says_why_and_leaves_no_file(alice, exports, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(workspace_dump, "write_workspace", broken)
    p = principal(alice)
    outcome = archive_jobs.run_archive(request(p).export_id)
    assert outcome.status == "failed" and "disk on fire" in outcome.error
    view = latest(p)
    assert view.status == "failed" and not view.in_progress and view.download_url == ""
    assert archive_job_reads.describe(view) == (
        "The archive could not be made: The archive could not be written: disk on fire")
    assert list((exports.folder / str(alice.workspace_id)).iterdir()) == []
    assert request(p).started   # a failed one does not block the next


def test_an_owner_demoted_before_the_job_ran_gets_no_archive(alice, exports):
    second = joined(alice, "second-owner@example.com", "owner")
    export_id = request(second).export_id
    with db.session_scope() as s:
        membership = s.exec(select(Membership).where(
            Membership.user_id == second.user_id,
            Membership.workspace_id == alice.workspace_id)).one()
        membership.role = "admin"
        s.add(membership)
    outcome = archive_jobs.run_archive(export_id)
    assert outcome.status == "failed" and "owner" in outcome.error


def test_only_owners_ask_see_or_download(alice, bob, exports):
    admin = joined(alice, "admin@example.com", "admin")
    with pytest.raises(Forbidden), db.session_scope() as s:
        archive_jobs.request_archive(s, admin)
    assert rows() == []
    export_id = request(principal(alice)).export_id
    archive_jobs.run_archive(export_id)
    with db.session_scope() as s:
        with pytest.raises(Forbidden):
            archive_job_reads.latest_archive(s, admin)
        with pytest.raises(Forbidden):
            archive_job_reads.archive_file(s, admin, export_id)
        path, name = archive_job_reads.archive_file(s, principal(alice), export_id)
        assert path.is_file() and name.startswith(f"{alice.workspace_slug}-archive-")
        # Bob owns his own workspace: Alice's archive does not exist for him.
        assert archive_job_reads.latest_archive(s, principal(bob)) is None
        for wrong in (export_id, export_id + 1, str(export_id), True, None):
            with pytest.raises(NotFound):
                archive_job_reads.archive_file(s, principal(bob), wrong)


def test_an_unfinished_or_deleted_file_is_not_found(alice, exports):
    p = principal(alice)
    export_id = request(p).export_id
    with pytest.raises(NotFound), db.session_scope() as s:
        archive_job_reads.archive_file(s, p, export_id)   # queued
    path = archive_jobs.run_archive(export_id).path
    path.unlink()
    with pytest.raises(NotFound), db.session_scope() as s:
        archive_job_reads.archive_file(s, p, export_id)


def test_a_new_archive_replaces_the_older_ones(alice, exports):
    p = principal(alice)
    first = archive_jobs.run_archive(request(p).export_id).path
    second_id = request(p).export_id
    assert first.is_file()   # the old one stays until the new one is made
    second = archive_jobs.run_archive(second_id).path
    assert not first.exists() and second.is_file()
    assert [r.id for r in rows()] == [second_id]


def test_the_sweep_deletes_expired_archives_and_stray_files(alice, bob, exports):
    old = archive_jobs.run_archive(request(principal(alice)).export_id).path
    kept = archive_jobs.run_archive(request(principal(bob)).export_id).path
    folder = old.parent
    stray = folder / ".77-0123456789abcdef.zip.x1y2.part"   # a killed job's part file
    stray.write_bytes(b"half")
    mine = folder / "notes.txt"                             # not a name of ours
    mine.write_text("kept")
    an_hour_ago = time.time() - 3600
    for path in (stray, mine):
        os.utime(path, (an_hour_ago, an_hour_ago))
    with db.session_scope() as s:
        r = s.exec(select(ArchiveExport).where(
            ArchiveExport.workspace_id == alice.workspace_id)).one()
        r.expires_at = utcnow() - timedelta(minutes=1)
        s.add(r)
    result = archive_jobs.sweep()
    assert result.expired == 1 and result.orphans == 1 and result.requeue == []
    assert not old.exists() and not stray.exists() and mine.exists() and kept.is_file()
    assert latest(principal(alice)) is None and latest(principal(bob)).status == "done"


def test_the_sweep_fails_a_job_a_dead_worker_left_and_requeues_lost_ones(alice, bob, exports):
    running = request(principal(alice)).export_id
    archive_jobs._claim(running, utcnow())
    lost = request(principal(bob)).export_id
    assert archive_jobs.sweep().interrupted == 0   # both still fresh
    later = utcnow() + archive_jobs.LEASE + timedelta(seconds=1)
    result = archive_jobs.sweep(later)
    assert result.interrupted == 1 and result.requeue == [lost]
    failed = row(running)
    assert failed.status == "failed" and failed.error == archive_jobs.INTERRUPTED
    assert failed.active_workspace_id is None
    assert request(principal(alice)).started   # the workspace may ask again


def test_exports_dir_defaults_beside_a_sqlite_database(monkeypatch):
    from updoot_app.settings import load_settings

    monkeypatch.delenv("UPDOOT_EXPORTS_DIR", raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/updoot/crm.db")
    assert archive_jobs.exports_dir(load_settings()) == Path("/srv/updoot/crm-exports")
    monkeypatch.setenv("UPDOOT_EXPORTS_DIR", "/mnt/shared/exports")
    assert archive_jobs.exports_dir(load_settings()) == Path("/mnt/shared/exports")
