"""The job queue's nightly backup: off without UPDOOT_BACKUP_DIR; with it, one copy
per day in the folder, the newest UPDOOT_BACKUP_KEEP kept."""

from __future__ import annotations

import zipfile

import pytest

from updoot_app.jobs import tasks
from updoot_app.services.archive import rotation


def test_without_a_folder_nothing_is_written(database, tmp_path, monkeypatch):
    monkeypatch.delenv("UPDOOT_BACKUP_DIR", raising=False)
    tasks.daily_backup.call_local()
    assert list(tmp_path.iterdir()) == []


def test_the_nightly_job_writes_todays_copy_and_prunes(database, alice, tmp_path, monkeypatch):
    if not database.startswith("sqlite"):
        pytest.skip("the PostgreSQL path (pg_dump) is tested in tests/unit/test_backup.py")
    folder = tmp_path / "backups"
    folder.mkdir()
    for day in ("2026-01-01", "2026-01-02", "2026-01-03"):   # older copies
        (folder / rotation.daily_name(day)).write_bytes(b"old")
    (folder / "notes.txt").write_text("not a backup: never pruned")
    monkeypatch.setenv("UPDOOT_BACKUP_DIR", str(folder))
    monkeypatch.setenv("UPDOOT_BACKUP_KEEP", "2")
    tasks.daily_backup.call_local()
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["notes.txt", rotation.daily_name("2026-01-03"), rotation.daily_name()]
    with zipfile.ZipFile(folder / rotation.daily_name()) as archive:
        assert "manifest.json" in archive.namelist()
