"""`updoot backup` / `updoot restore`: SQLite through its online backup API,
PostgreSQL through pg_dump/pg_restore; every refusal writes nothing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, text
from sqlmodel import select

from tests.conftest import make_actor
from updoot_app import db, migrations
from updoot_app.cli import main
from updoot_app.models import Company, Workspace
from updoot_app.services.archive import backup, rotation
from updoot_app.services.archive.pg_backup import BackupRefused
from updoot_app.services.crm import companies
from updoot_app.services.identity.access import resolve_session
from updoot_app.services.platform.errors import ValidationError

ROOT = Path(__file__).resolve().parents[2]


def fresh_sqlite(path: Path, revision: str = "head") -> str:
    url = f"sqlite:///{path}"
    db.configure(url)
    migrations.upgrade(revision)
    return url


def add_companies(actor, *names):
    with db.session_scope() as s:
        p = resolve_session(s, actor.token)
        for name in names:
            companies.create_company(s, p, {"name": name})


def company_count() -> int:
    with db.session_scope() as s:
        return s.exec(select(func.count()).select_from(Company)).one()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def seeded(tmp_path):
    """A SQLite database of its own (a restore replaces the file) with 3 companies."""
    path = tmp_path / "live.db"
    fresh_sqlite(path)
    actor = make_actor("owner@example.com", "Backup Co")
    add_companies(actor, "Acme", "Globex", "Initech")
    yield path, actor
    db.get_engine().dispose()


def test_backup_then_restore_brings_the_data_back(seeded, tmp_path):
    path, actor = seeded
    out = tmp_path / "backups" / "b.zip"
    manifest = backup.write_backup(out)
    assert manifest.engine == "sqlite" and manifest.revision == migrations.head_revision()
    assert sorted(zipfile.ZipFile(out).namelist()) == ["database.sqlite3", "manifest.json"]
    add_companies(actor, "Later Ltd")
    assert company_count() == 4
    result = backup.restore(out, force=True)
    assert company_count() == 3
    assert result.replaced.rows["companies"] == 4
    assert result.kept_copy is not None and result.kept_copy.exists()
    assert integrity(path) == "ok" and not path.with_name("live.db-wal").stat().st_size


def test_restore_refuses_a_database_with_data_and_says_what_is_in_it(seeded, tmp_path):
    path, actor = seeded
    out = tmp_path / "b.zip"
    backup.write_backup(out)
    add_companies(actor, "Later Ltd")
    db.get_engine().dispose()
    before = digest(path)
    with pytest.raises(BackupRefused) as err:
        backup.restore(out)
    message = str(err.value)
    assert "Backup Co [backup-co]: 4 companies" in message and "--force" in message
    assert digest(path) == before and company_count() == 4


def test_restore_into_an_empty_database_needs_no_force(seeded, tmp_path):
    out = tmp_path / "b.zip"
    backup.write_backup(out)
    fresh_sqlite(tmp_path / "other.db")
    result = backup.restore(out)
    assert result.replaced.empty and company_count() == 3


def test_a_backup_of_an_older_revision_is_migrated_forward(tmp_path):
    old = tmp_path / "old.db"
    fresh_sqlite(old, "0009_deal_fit")
    with db.get_engine().begin() as conn:
        conn.execute(text("INSERT INTO workspaces (id, name, slug, currency, is_demo, "
                          "stale_after_days, created_at) VALUES (1, 'Old', 'old', 'USD', 0, 14, "
                          "'2026-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO companies (workspace_id, name, tech_stack, triggers, tags,"
                          " notes, created_at, updated_at) VALUES (1, 'Acme', '[]', '[]', '[]', "
                          "'', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
    out = tmp_path / "old.zip"
    assert backup.write_backup(out).revision == "0009_deal_fit"
    fresh_sqlite(tmp_path / "new.db")
    result = backup.restore(out)
    assert (result.revision, result.migrated_to) == ("0009_deal_fit", migrations.head_revision())
    assert migrations.schema_state().status == "current" and company_count() == 1


def _rewrite(src: Path, dest: Path, **manifest_changes) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        manifest = json.loads(zin.read("manifest.json")) | manifest_changes
        zout.writestr("manifest.json", json.dumps(manifest))
        zout.writestr("database.sqlite3", zin.read("database.sqlite3"))
    return dest


def _flip_payload_bytes(src: Path, dest: Path) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        zout.writestr("manifest.json", zin.read("manifest.json"))
        payload = bytearray(zin.read("database.sqlite3"))
        payload[5000:5010] = b"\xff" * 10
        zout.writestr("database.sqlite3", bytes(payload))
    return dest


def _write(dest: Path, data: bytes) -> Path:
    dest.write_bytes(data)
    return dest


BAD_FILES = {
    "truncated": (lambda good, d: _write(d, good.read_bytes()[: good.stat().st_size // 2]),
                  "damaged or truncated"),
    "not a zip": (lambda good, d: _write(d, b"hello, not a backup"), "not an Updoot"),
    "flipped bytes": (_flip_payload_bytes, "checksum"),
    "future revision": (lambda good, d: _rewrite(good, d, revision="0099_future"),
                        "no migration path"),
    "other engine": (lambda good, d: _rewrite(good, d, engine="postgresql",
                                              payload="database.pgdump"), "holds no database"),
    "format version": (lambda good, d: _rewrite(good, d, format_version=7), "format version"),
    "missing": (lambda good, d: d, "No such file"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_backup_is_refused_with_nothing_written(seeded, tmp_path, case):
    path, _actor = seeded
    good = tmp_path / "good.zip"
    backup.write_backup(good)
    make, expected = BAD_FILES[case]
    bad = make(good, tmp_path / "bad.zip")
    db.get_engine().dispose()
    before = digest(path)
    with pytest.raises(BackupRefused, match=expected):
        backup.restore(bad, force=True)
    assert digest(path) == before and company_count() == 3
    assert not list(path.parent.glob("live.db.replaced-*"))
    assert not list(path.parent.glob(".updoot-restore-*"))


def test_a_payload_that_is_not_a_database_is_refused(seeded, tmp_path):
    good = tmp_path / "good.zip"
    backup.write_backup(good)
    manifest = json.loads(zipfile.ZipFile(good).read("manifest.json"))
    junk = os.urandom(8192)
    bad = tmp_path / "junk.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("manifest.json", json.dumps(manifest | {
            "sha256": hashlib.sha256(junk).hexdigest(), "size": len(junk)}))
        z.writestr("database.sqlite3", junk)
    with pytest.raises(BackupRefused, match="damaged"):
        backup.restore(bad, force=True)
    assert company_count() == 3


def test_backup_is_consistent_while_another_connection_writes(seeded, tmp_path):
    path, actor = seeded
    stop = threading.Event()

    def writer():
        conn = sqlite3.connect(path, timeout=30)
        i = 0
        while not stop.is_set():
            conn.execute("INSERT INTO companies (workspace_id, name, tech_stack, triggers, tags, "
                         "notes, created_at, updated_at) VALUES (?, ?, '[]', '[]', '[]', '', "
                         "'2026-01-01', '2026-01-01')", (actor.workspace_id, f"W{i}"))
            conn.commit()
            i += 1
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.05)
        out = tmp_path / "hot.zip"
        backup.write_backup(out)
    finally:
        stop.set()
        thread.join()
    written = company_count()
    fresh_sqlite(tmp_path / "copy.db")
    backup.restore(out)
    assert 3 < company_count() <= written  # a snapshot of some moment in between
    assert integrity(tmp_path / "copy.db") == "ok"


def test_killing_a_backup_mid_way_leaves_the_database_whole_and_no_backup(tmp_path):
    path = tmp_path / "big.db"
    fresh_sqlite(path)
    with db.get_engine().begin() as conn:  # ~40 MB that does not compress: a slow zip
        conn.execute(text("CREATE TABLE ballast (b BLOB)"))
        for _ in range(40):
            conn.execute(text("INSERT INTO ballast VALUES (:b)"), {"b": os.urandom(1 << 20)})
    db.get_engine().dispose()
    out = tmp_path / "out" / "killed.zip"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{path}", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "updoot_app.cli", "backup", "--out", str(out)],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60

    def zip_half_written() -> bool:
        try:
            return any(p.stat().st_size for p in out.parent.glob(".killed.zip.*.part"))
        except FileNotFoundError:  # no folder yet, or the part file just renamed
            return False

    while not zip_half_written():
        assert proc.poll() is None, "the backup finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    leftovers = list(out.parent.glob(".killed.zip.*.part"))
    assert leftovers and all(p.name.startswith(".") for p in leftovers)
    with pytest.raises(BackupRefused):
        backup.read_manifest(leftovers[0])
    assert integrity(path) == "ok"
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM ballast").fetchone()[0] == 40
    conn.close()


def test_daily_backups_keep_the_newest_and_touch_nothing_else(seeded, tmp_path):
    folder = tmp_path / "daily"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
        result = rotation.backup_daily(folder, keep=2, day=day)
    assert [p.name for p in result.pruned] == ["updoot-2026-12-01.backup.zip"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "notes.txt", "updoot-2026-12-02.backup.zip", "updoot-2026-12-03.backup.zip"]
    with pytest.raises(ValidationError):
        rotation.backup_daily(folder, keep=0)


def run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_cli_backup_restore_and_their_refusals(seeded, tmp_path):
    out = tmp_path / "cli.zip"
    code, output = run("backup", "--out", str(out))
    assert code == 0 and "schema revision" in output and out.exists()
    assert run("backup")[0] == 2
    assert run("backup", "--out", str(out), "--keep", "3")[0] == 2
    code, output = run("restore", str(out))
    assert code == 2 and "--force" in output
    code, output = run("restore", str(out), "--force")
    assert code == 0 and "Replaced" in output and "kept at" in output
    code, output = run("backup", "--out-dir", str(tmp_path / "d"), "--keep", "1")
    assert code == 0 and len(list((tmp_path / "d").iterdir())) == 1


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture
def postgres_url(database):
    """The session's PostgreSQL database (a private one would cost a DROP DATABASE,
    a checkpoint: seconds to a minute on a busy machine); it ends at head, as it was."""
    if db.is_sqlite():
        pytest.skip("PostgreSQL only (SQLite has the tests above)")
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not on PATH (install postgresql-client)")
    yield database
    db.configure(database)
    migrations.upgrade()


def test_postgres_backup_and_restore(postgres_url, tmp_path):
    db.configure(postgres_url)
    migrations.upgrade()
    actor = make_actor("pg@example.com", "Pg Co")
    add_companies(actor, "Acme", "Globex")
    out = tmp_path / "pg.zip"
    manifest = backup.write_backup(out)
    assert (manifest.engine, manifest.revision) == ("postgresql", migrations.head_revision())
    add_companies(actor, "Later Ltd")
    make_actor("other@example.com", "Other")  # data the forced restore replaces
    with pytest.raises(BackupRefused, match="Other"):
        backup.restore(out)
    assert company_count() == 3
    fresh_sqlite(tmp_path / "x.db")
    sqlite_backup = tmp_path / "x.zip"
    backup.write_backup(sqlite_backup)
    db.configure(postgres_url)
    with pytest.raises(BackupRefused, match="sqlite backup"):
        backup.restore(sqlite_backup, force=True)
    result = backup.restore(out, force=True)
    assert [w[0] for w in result.replaced.workspaces] == ["Pg Co", "Other"]
    assert company_count() == 2 and migrations.schema_state().status == "current"
    with db.session_scope() as s:
        assert s.exec(select(func.count()).select_from(Workspace)).one() == 1
    db.get_engine().dispose()


def test_a_damaged_database_is_replaced_only_with_force(seeded, tmp_path):
    path, _actor = seeded
    out = tmp_path / "b.zip"
    backup.write_backup(out)
    db.get_engine().dispose()
    with open(path, "r+b") as fh:
        fh.seek(4096)
        fh.write(b"\xa5" * 8 * 4096)
    path.with_name("live.db-wal").unlink(missing_ok=True)
    path.with_name("live.db-shm").unlink(missing_ok=True)
    with pytest.raises(BackupRefused, match="cannot be read"):
        backup.restore(out)
    result = backup.restore(out, force=True)
    assert result.replaced.problem and company_count() == 3 and integrity(path) == "ok"
