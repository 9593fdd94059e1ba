"""Mail benchmark: UPDOOT_BENCH_MAILS (1000) invoices emailed with their PDF,
queued in the database and delivered by the job queue to a real SMTP server on
loopback (aiosmtpd, tests/smtp_sink.py).

1. SQLite: one `updoot worker` process keeping a job worker as its child (as
   `updoot serve` runs it, jobs/beside_server.py).
2. PostgreSQL + Redis: one `updoot worker` for the web and two `updoot jobs`
   processes (needs UPDOOT_TEST_POSTGRES_URL and UPDOOT_TEST_REDIS_URL).

The outbox rows (each with its invoice PDF) are written first, then handed to
the queue at once. Until then they are due tomorrow: the job workers' minute
sweep (tasks.sweep_outbox) hands over every due queued row, so rows due at
once would be delivered while the rest are still being written and while the
requests without the burst are timed. Figures: messages per second from the
hand-over to the last delivered, p95 from the hand-over to the SMTP server having
each, and the p95 of a web request (GET /api/v1/invoices, a page of 25, one every
20 ms) during the burst against the same requests without it (half just before
the burst, half just after: other work on the machine drifts). Target: during
≤ 1.2x without.

The SMTP server stands in for a remote one: it runs at the lowest CPU priority
and reads the headers only, so that its own work on this machine is not counted
as the app's.

Smoke run: UPDOOT_BENCH_MAILS=100 python -m bench.bench_mail
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

from bench import cluster as cl
from bench import loadgen as lg

MAILS = lg.env_int("UPDOOT_BENCH_MAILS", 1000)
WEB_TARGET = 1.2
REQUESTS_WITHOUT = 300   # half before the burst, half after it
PAUSE_S = 0.02


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def _configure(workdir: Path, database_url: str, smtp_url: str) -> None:
    os.environ.update(DATABASE_URL=database_url, UPDOOT_SMTP_URL=smtp_url,
                      UPDOOT_MAIL_FROM="billing@updoot.test",
                      UPDOOT_JOBS_DB=str(workdir / "jobs.db"))


def _seed(count: int):
    """An owner with an API token and `count` draft invoices."""
    from tests.conftest import make_actor
    from tests.unit.billing_helpers import principal
    from updoot_app import db
    from updoot_app.services.billing import invoices
    from updoot_app.services.identity import tokens

    actor = make_actor(f"bench-{time.time_ns()}@example.com", "Mail Bench")
    p = principal(actor)
    lines = [{"description": "Seats", "quantity": "3", "unit_price": "19.99", "tax_rate": "20"}]
    with db.session_scope(write=True) as s:
        drafts = [invoices.create_invoice(s, p, {"lines": lines}).id for _ in range(count)]
        token = tokens.create_token(s, p, "bench")
    return actor, drafts, token


def _timed_gets(url: str, token: str, stop: threading.Event | None, count: int) -> list[float]:
    """GET a page of invoices `count` times (or until `stop`), PAUSE_S apart: the
    same rhythm with and without the burst (a machine answers back-to-back
    requests faster than paced ones, its CPUs never idling in between)."""
    request = urllib.request.Request(f"{url}/api/v1/invoices?page_size=25",
                                     headers={"Authorization": f"Bearer {token}"})
    times = []
    while (stop is None and len(times) < count) or (stop is not None and not stop.is_set()):
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as resp:
            resp.read()
        times.append(time.perf_counter() - started)
        time.sleep(PAUSE_S)
    return times


def _queue_held(actor, drafts) -> list[int]:
    """Email each draft as the app does (one write transaction each), its outbox
    row due only tomorrow so that no sweep takes it before the hand-over."""
    from tests.unit.billing_helpers import principal
    from updoot_app import db
    from updoot_app.models.types import utcnow
    from updoot_app.services.mail.documents import email_invoice

    ids = []
    for n, iid in enumerate(drafts):
        with db.write_scope() as s:
            row = email_invoice(s, principal(actor), iid, {"to": [f"client{n}@example.com"]})
            row.next_attempt_at = utcnow() + timedelta(days=1)
            s.add(row)
            ids.append(row.id)
    return ids


def _release(ids: list[int]) -> None:
    from sqlalchemy import update

    from updoot_app import db
    from updoot_app.models import OutboxMessage
    from updoot_app.models.types import utcnow

    with db.session_scope(write=True) as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                  .values(next_attempt_at=utcnow()))


def _burst(label: str, web_url: str, sink, actor, drafts, token) -> list[dict]:
    """Write the outbox rows first (PDFs rendered here, in this process), then hand
    them all to the queue at once: the burst is the queue's delivery, and this
    process only times web requests meanwhile."""
    from updoot_app.jobs import tasks
    from updoot_app.services.mail import dispatch

    dispatch.set_dispatcher(None)
    ids = _queue_held(actor, drafts)
    dispatch.set_dispatcher(tasks.enqueue_delivery)
    _timed_gets(web_url, token, None, 30)                          # warm up
    load_before = os.getloadavg()[0]
    without = _timed_gets(web_url, token, None, REQUESTS_WITHOUT // 2)
    early = len(sink.received)
    stop = threading.Event()
    during: list[float] = []
    getter = threading.Thread(target=lambda: during.extend(_timed_gets(web_url, token, stop, 0)))
    getter.start()
    started = time.time()
    _release(ids)
    for outbox_id in ids:
        tasks.enqueue_delivery(outbox_id)
    sink.wait_for(len(ids), timeout_s=900)
    finished = time.time()
    load_during = os.getloadavg()[0]
    stop.set()
    getter.join()
    without += _timed_gets(web_url, token, None, REQUESTS_WITHOUT // 2)
    if early:
        raise AssertionError(f"{early} messages were delivered before the hand-over")
    latencies = [at - started for _, _, at in sink.received]
    ratio = _p95(during) / _p95(without)
    return [
        {"figure": f"{label}: messages per second ({len(ids)} with a PDF each)",
         "value": round(len(ids) / (finished - started), 1), "target": None, "pass": None},
        {"figure": f"{label}: p95 from handed to the queue to delivered (all at once)",
         "value": f"{_p95(latencies) * 1000:.0f} ms", "target": None, "pass": None},
        {"figure": f"{label}: web request p95 during the burst / without it (before and "
                   "after)",
         "value": f"{ratio:.2f}x ({_p95(during) * 1000:.1f} vs {_p95(without) * 1000:.1f} ms; "
                  f"{len(during)} vs {len(without)} requests)",
         "target": f"<= {WEB_TARGET}x", "pass": ratio <= WEB_TARGET},
        {"figure": f"{label}: machine load average (1 min) before / at the end of the burst, "
                   f"{os.cpu_count()} CPUs (other work on the machine skews the figures)",
         "value": f"{load_before:.1f} / {load_during:.1f}", "target": None, "pass": None},
    ]


def _web_worker(workdir: Path, env_extra: dict[str, str]):
    port = cl.free_port()
    env = dict(os.environ, **env_extra)
    log_path = workdir / f"worker-{port}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(cl.BIN / "updoot"), "worker", "--port", str(port), "--host", "127.0.0.1"],
            env=env, stdout=log, stderr=log, start_new_session=True, cwd=cl.PROJECT_ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while not cl.ping(url):
        if time.monotonic() > deadline or proc.poll() is not None:
            raise cl.ClusterError(f"web worker did not start: {cl.tail(log_path)}")
        time.sleep(0.5)
    return proc, url


def sqlite_part(workdir: Path, sink) -> list[dict]:
    from updoot_app import db, migrations

    database_url = f"sqlite:///{workdir / 'mail.db'}"
    _configure(workdir, database_url, sink.url)
    db.configure(database_url)
    migrations.upgrade()
    actor, drafts, token = _seed(MAILS)
    # As `updoot serve` runs: the job worker a child of the server (jobs/beside_server.py).
    proc, url = _web_worker(workdir, {"UPDOOT_SERVE_JOBS": "1"})
    try:
        return _burst("SQLite, the job worker beside the server", url, sink, actor, drafts,
                      token)
    finally:
        cl.stop(proc)


def scaled_part(workdir: Path, sink) -> list[dict]:
    from huey import RedisHuey

    from tests.conftest import _private_postgres_database
    from tests.jobs_helpers import start_worker
    from updoot_app import db, migrations
    from updoot_app.jobs import queue

    pg, redis_base = (os.environ.get("UPDOOT_TEST_POSTGRES_URL", ""),
                      os.environ.get("UPDOOT_TEST_REDIS_URL", ""))
    if not pg or not redis_base:
        return [{"figure": "PostgreSQL + Redis, two job workers", "value": "skipped "
                 "(UPDOOT_TEST_POSTGRES_URL / UPDOOT_TEST_REDIS_URL unset)", "target": None,
                 "pass": None}]
    redis_url = redis_base.rsplit("/", 1)[0] + "/14"
    with _private_postgres_database(pg) as database_url:
        _configure(workdir, database_url, sink.url)
        db.configure(database_url)
        migrations.upgrade()
        queue.huey.storage = RedisHuey("updoot", url=redis_url, blocking=True).storage
        queue.huey.flush()
        actor, drafts, token = _seed(MAILS)
        proc, url = _web_worker(workdir, {"REDIS_URL": redis_url})
        # As deployed (updoot-jobs.service): 4 threads, the default --nice.
        jobs = [start_worker(database_url, sink.url, redis_url, 4, nice=None) for _ in range(2)]
        try:
            return _burst("PostgreSQL + Redis, two job workers", url, sink, actor, drafts,
                          token)
        finally:
            for worker in jobs + [proc]:
                cl.stop(worker)
            queue.huey.flush()


class _SinkProcess:
    """The SMTP server in a process of its own: parsing 1,000 messages with their
    PDFs under this process's GIL would slow the web timings it is measuring.
    It writes "<received at> <Message-ID>" per message to a file read here."""

    def __init__(self, workdir: Path):
        from tests.smtp_sink import free_port

        self.port = free_port()
        self.log = workdir / f"sink-{self.port}.log"
        self.log.write_text("")
        code = ("import sys, time\n"
                "from tests.smtp_sink import SmtpSink\n"
                "from updoot_app.jobs.priority import lower_process_priority\n"
                "lower_process_priority(19)\n"
                "sink = SmtpSink(int(sys.argv[1]))\n"
                "sink.headers_only = True\n"
                "out = open(sys.argv[2], 'a', buffering=1)\n"
                "class Log(list):\n"
                "    def append(self, item):\n"
                "        out.write(f'{item[2]} {item[1][\"Message-ID\"]}\\n')\n"
                "sink.received = Log()\n"
                "sink.start()\n"
                "time.sleep(3600)\n")
        self.proc = subprocess.Popen([sys.executable, "-c", code, str(self.port), str(self.log)],
                                     cwd=cl.PROJECT_ROOT, start_new_session=True)
        time.sleep(1.5)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def received(self) -> list[tuple[None, str, float]]:
        lines = [line.split(" ", 1) for line in self.log.read_text().splitlines() if line]
        return [(None, mid, float(at)) for at, mid in lines]

    def wait_for(self, count: int, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"the SMTP server got {len(self.received)} of {count}")
            time.sleep(0.2)

    def stop(self) -> None:
        cl.stop(self.proc)


def run() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="updoot-mail-bench-") as tmp:
        for part in (sqlite_part, scaled_part):
            sink = _SinkProcess(Path(tmp))
            try:
                rows += part(Path(tmp), sink)
            finally:
                sink.stop()
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
