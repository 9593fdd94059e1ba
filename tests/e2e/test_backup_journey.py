"""README, "Backups and upgrades", step by step: back up the running demo, break the
database file, restore, and the demo is back.

No browser: the server is `updoot worker` (the same backend as `updoot serve`,
without the frontend build) on a database of its own, read through the REST API.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import _free_port, _ping, _stop

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def updoot(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "updoot_app.cli", *args], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr + result.stdout
    return result


def start_server(env: dict, port: int, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "updoot_app.cli", "worker", "--port",
                                 str(port)], env=env, cwd=ROOT, stdout=out, stderr=out,
                                start_new_session=True)
    deadline = time.monotonic() + 90
    while not _ping(f"http://127.0.0.1:{port}"):
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            pytest.fail(f"the server did not start: {log.read_text()[-2000:]}")
        time.sleep(0.25)
    return proc


def companies_total(port: int, token: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/companies?limit=1",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["total"]


def test_back_up_the_running_demo_break_the_database_restore_it(tmp_path):
    database = tmp_path / "data" / "updoot.db"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}", PYTHONPATH=str(ROOT),
               UPDOOT_SECRET_KEY="journey-secret")
    updoot(env, "demo", "--companies", "20")
    conn = sqlite3.connect(database)
    slug, email = conn.execute("SELECT w.slug, u.email FROM workspaces w JOIN memberships m ON "
                               "m.workspace_id = w.id JOIN users u ON u.id = m.user_id WHERE "
                               "m.role = 'owner'").fetchone()
    conn.close()
    token = updoot(env, "token", "create", "--email", email, "--workspace", slug).stdout.strip()
    port, log = _free_port(), tmp_path / "server.log"
    server = start_server(env, port, log)
    try:
        assert companies_total(port, token) == 20
        backup = tmp_path / "backups" / "before.zip"
        updoot(env, "backup", "--out", str(backup))  # while the server runs
    finally:
        _stop(server)
    with open(database, "r+b") as fh:  # the disaster: pages overwritten
        fh.seek(4096)
        fh.write(os.urandom(16 * 4096))
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    refused = updoot(env, "restore", str(backup), check=False)
    assert refused.returncode == 2 and "cannot be read" in refused.stderr, refused.stderr
    restored = updoot(env, "restore", str(backup), "--force")
    assert "Restored" in restored.stdout
    server = start_server(env, port, log)
    try:
        assert companies_total(port, token) == 20
    finally:
        _stop(server)
