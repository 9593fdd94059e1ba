"""The single-VM default: `updoot serve` keeps a job worker (`updoot jobs`) running
as its child process, for as long as the server runs, and restarts it if it dies.

Why a process and not threads of the server: the web's event loop and a job
thread would share one interpreter lock, so a burst of emails (MIME encoding,
the SMTP conversation, the outbox writes) made every page wait its turn:
bench/bench_mail.py measured a web request's p95 at 2.7x during a burst with the
consumer in-process. A child process has its own lock, runs at a lower CPU
priority and within its CPU share (consumer.py), and dies with the server
(PR_SET_PDEATHSIG), so it is still one command on one machine. The queue is the
SQLite file both processes open (queue.py), so the server only enqueues.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator

log = logging.getLogger(__name__)

ENV = "UPDOOT_SERVE_JOBS"     # "1": set by `updoot serve` for its server process
RESTART_DELAYS_S = (1, 5, 30, 60)
STOP_TIMEOUT_S = 15
_PR_SET_PDEATHSIG = 1


def worker_command() -> list[str]:
    return [sys.executable, "-m", "updoot_app.cli", "jobs"]


def _die_with_parent() -> None:
    """In the child before exec: the kernel sends SIGTERM to it when the server
    process goes, however it goes (Linux; elsewhere the lifespan's stop does it)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


async def _start() -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(*worker_command(), preexec_fn=_die_with_parent)


async def supervise(stopping: asyncio.Event, started: list) -> None:
    """Run the job worker until `stopping` is set; restart it (after a growing
    pause) whenever it exits on its own. Each process started goes in `started`."""
    failures = 0
    while not stopping.is_set():
        proc = await _start()
        started.append(proc)
        exited = asyncio.ensure_future(proc.wait())
        stop = asyncio.ensure_future(stopping.wait())
        await asyncio.wait({exited, stop}, return_when=asyncio.FIRST_COMPLETED)
        if stopping.is_set():
            exited.cancel()
            await _stop(proc)
            return
        stop.cancel()
        delay = RESTART_DELAYS_S[min(failures, len(RESTART_DELAYS_S) - 1)]
        failures += 1
        log.warning("the job worker exited with code %s; restarting it in %s s",
                    proc.returncode, delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), delay)


async def _stop(proc: asyncio.subprocess.Process) -> None:
    """SIGTERM: huey finishes the jobs in hand (its shutdown_timeout), then exits."""
    if proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), STOP_TIMEOUT_S)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()


@contextlib.asynccontextmanager
async def lifespan() -> AsyncIterator[None]:
    """The web app's lifespan task: with UPDOOT_SERVE_JOBS=1 (`updoot serve`) the
    job worker runs beside this server for as long as it does."""
    if os.environ.get(ENV) != "1":
        yield
        return
    stopping = asyncio.Event()
    started: list = []
    supervisor = asyncio.ensure_future(supervise(stopping, started))
    try:
        yield
    finally:
        stopping.set()
        await supervisor
