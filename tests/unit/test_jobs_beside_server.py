"""`updoot serve`'s job worker: a child process kept beside the server for as long
as it runs (jobs/beside_server.py), delivering what the server queues."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import pytest

from tests.jobs_helpers import ROOT, queue_invoices, wait_until
from tests.unit.mail_helpers import outbox_rows
from updoot_app.jobs import beside_server, queue


@pytest.fixture
def child_env(database, monkeypatch):
    """What the child reads: the test's database and queue file, normal priority
    (at nice 10 it would crawl behind the tests CI runs at once)."""
    if not database.startswith("sqlite"):
        pytest.skip("the single-VM default is SQLite; Redis is the scaled setup's")
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("UPDOOT_JOBS_NICE", "0")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.delenv("REDIS_URL", raising=False)
    queue.huey.flush()
    yield
    queue.huey.flush()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:       # a zombie is gone too
        return stat.read().split(") ", 1)[1][0] != "Z"


def test_the_server_keeps_a_worker_that_delivers_and_stops_with_it(
        alice, smtp_sink, child_env, monkeypatch):
    monkeypatch.setenv(beside_server.ENV, "1")
    seen: list[int] = []

    async def serve_a_while():
        async with beside_server.lifespan():
            ids = queue_invoices(alice, 3)
            await asyncio.to_thread(smtp_sink.wait_for, 3, 60)
            await asyncio.to_thread(wait_until, lambda: all(
                r.status == "sent" for r in outbox_rows()), 30, "sent rows")
            seen.extend(_children())
        return ids

    ids = asyncio.run(serve_a_while())
    assert sorted(r.id for r in outbox_rows()) == sorted(ids)
    assert len({m["Message-ID"] for m in smtp_sink.messages}) == 3
    assert len(seen) == 1 and not _alive(seen[0]), "the worker stops with the server"


def _children() -> list[int]:
    """This process's children running `updoot_app.cli jobs` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().split(") ", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmd:
                argv = cmd.read().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"jobs" in argv:
            found.append(int(entry))
    return found


def test_without_the_setting_no_worker_is_started(monkeypatch):
    monkeypatch.delenv(beside_server.ENV, raising=False)

    async def run():
        async with beside_server.lifespan():
            return _children()

    assert asyncio.run(run()) == []


def test_a_worker_that_dies_is_started_again(child_env, monkeypatch):
    monkeypatch.setattr(beside_server, "RESTART_DELAYS_S", (0.2,))

    async def run():
        stopping, started = asyncio.Event(), []
        supervisor = asyncio.ensure_future(beside_server.supervise(stopping, started))
        while not started:
            await asyncio.sleep(0.05)
        started[0].kill()
        while len(started) < 2:
            await asyncio.sleep(0.05)
        stopping.set()
        await supervisor
        return started

    first, second = asyncio.run(run())
    assert first.returncode == -signal.SIGKILL
    assert second.returncode is not None, "stopped when the server stops"


PARENT = """
import asyncio, sys
from updoot_app.jobs import beside_server

async def main():
    started = []
    asyncio.ensure_future(beside_server.supervise(asyncio.Event(), started))
    while not started:
        await asyncio.sleep(0.05)
    print(started[0].pid, flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


def test_the_worker_dies_with_a_server_that_is_killed(child_env):
    """SIGKILL leaves the server no time to stop its child: the kernel does it."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True, env=dict(os.environ))
    try:
        child = int(parent.stdout.readline())
        assert _alive(child)
    finally:
        parent.kill()
        parent.wait(10)
    wait_until(lambda: not _alive(child), 20, "the worker to exit with its server")
