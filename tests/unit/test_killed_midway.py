"""A workspace import and a migration killed (SIGKILL) in the middle of their
transaction: afterwards the database opens, passes `PRAGMA integrity_check`, and
holds the change whole or not at all.

"In the middle" is observed, not guessed: both hold SQLite's write lock for their
whole transaction, so the test kills the process as soon as a `BEGIN IMMEDIATE` of
its own finds the database locked.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from tests.conftest import make_actor
from tests.unit.archive_helpers import seed_full_workspace
from updoot_app import db, migrations
from updoot_app.services.archive import workspace_dump
from updoot_app.services.identity.access import principal_for, resolve_session

ROOT = Path(__file__).resolve().parents[2]


def locked(path: Path) -> bool:
    conn = sqlite3.connect(path, timeout=0)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        conn.close()


def kill_when_locked(path: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{path}", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "updoot_app.cli", *args], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not locked(path):
        assert proc.poll() is None, f"finished before it could be killed: {proc.stderr.read()}"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return proc


def scalar(path: Path, sql: str):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def big_archive(data: bytes, copies: int) -> bytes:
    """The archive with its companies repeated `copies` times: a long transaction."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as z:
        for name in zin.namelist():
            body = zin.read(name)
            if name == "data/companies.json":
                rows = json.loads(body)
                top = max(r["id"] for r in rows)
                body = json.dumps(rows + [dict(r, id=top + i + 1, name=f"Copy {i}")
                                          for i, r in enumerate(rows * copies)]).encode()
            z.writestr(name, body)
    return out.getvalue()


def test_an_import_killed_midway_leaves_nothing(tmp_path):
    path = tmp_path / "import.db"
    db.configure(f"sqlite:///{path}")
    migrations.upgrade()
    ws = seed_full_workspace(companies=10)
    with db.session_scope() as s:
        owner = resolve_session(s, ws.token).user_id
        data = workspace_dump.dump_workspace(s, principal_for(s, owner, ws.id))
    make_actor("importer@example.com", "Importer")
    db.get_engine().dispose()
    archive = tmp_path / "big.zip"
    archive.write_bytes(big_archive(data, copies=1500))
    workspaces = scalar(path, "SELECT count(*) FROM workspaces")
    companies = scalar(path, "SELECT count(*) FROM companies")
    kill_when_locked(path, "import-workspace", str(archive), "--owner", "importer@example.com")
    assert scalar(path, "PRAGMA integrity_check") == "ok"
    assert scalar(path, "SELECT count(*) FROM workspaces") == workspaces
    assert scalar(path, "SELECT count(*) FROM companies") == companies


def test_a_migration_killed_midway_leaves_the_old_revision(tmp_path):
    path = tmp_path / "migrate.db"
    db.configure(f"sqlite:///{path}")
    migrations.upgrade("0008_kpi")
    conn = sqlite3.connect(path)  # enough deals that 0009's backfill takes a while
    conn.execute("INSERT INTO workspaces (id, name, slug, currency, is_demo, stale_after_days, "
                 "created_at) VALUES (1, 'W', 'w', 'USD', 0, 14, '2026-01-01')")
    conn.execute("INSERT INTO companies (id, workspace_id, name, tech_stack, triggers, tags, "
                 "notes, fit_tier, created_at, updated_at) VALUES (1, 1, 'C', '[]', '[]', "
                 "'[]', '', 'A', '2026-01-01', '2026-01-01')")
    conn.execute("INSERT INTO stages (id, workspace_id, name, position, probability, kind) "
                 "VALUES (1, 1, 'Lead', 0, 10, 'open')")
    conn.executemany("INSERT INTO deals (workspace_id, company_id, title, value, currency, "
                     "stage_id, created_at, stage_entered_at, last_activity_at) VALUES "
                     "(1, 1, ?, 0, 'USD', 1, '2026-01-01', '2026-01-01', '2026-01-01')",
                     [(f"D{i}",) for i in range(60_000)])
    conn.commit()
    conn.close()
    db.get_engine().dispose()
    kill_when_locked(path, "migrate")
    assert scalar(path, "PRAGMA integrity_check") == "ok"
    revision = scalar(path, "SELECT version_num FROM alembic_version")
    filled = scalar(path, "SELECT count(*) FROM deals WHERE company_fit_tier = 'A'") \
        if revision != "0008_kpi" else None
    assert revision == "0008_kpi" or (revision == migrations.head_revision()
                                      and filled == 60_000)
    backups = list(tmp_path.glob("migrate.db.pre-migrate-0008_kpi-*.backup.zip"))
    assert len(backups) == 1  # taken, complete, before the migration began
