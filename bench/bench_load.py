"""Load benchmark: simulated browser sessions over Reflex's websocket.

Runs everything on loopback (bench/cluster.py: `updoot build`, `updoot
worker`, nginx with deploy/nginx/updoot-scaled.conf) and reports rows
{"figure", "value", "target", "pass"} for bench/run_all.py:

1. One worker on SQLite: UPDOOT_BENCH_SESSIONS (200) sessions doing the
   journey of bench/loadgen.py for UPDOOT_BENCH_DURATION s (300), each action
   followed by UPDOOT_BENCH_THINK s (2.0, +-50%) of think time. Sessions
   arrive evenly over UPDOOT_BENCH_RAMP s (30) first, as people do; the
   duration counts from when the last one is in.
   Targets: event round trip p95 < 150 ms, no error, no lost write.
2. Memory per idle connected session: RSS of the worker with
   UPDOOT_BENCH_IDLE (500) hydrated dashboard tabs open, minus before, / count.
   Target < 200 KB.
3. Throughput, PostgreSQL + Redis, one worker vs two: UPDOOT_BENCH_SAT_SESSIONS
   (40) sessions without think time for UPDOOT_BENCH_SAT_DURATION s (60), one
   worker then two, UPDOOT_BENCH_SAT_ROUNDS (2) times over.
   Target: two workers >= 1.6x one worker (needs UPDOOT_TEST_POSTGRES_URL and
   UPDOOT_TEST_REDIS_URL, else reported as skipped).
4. Framework floor: one tab, one event at a time, directly on a worker: events
   of ours vs a minimal Reflex app's trivial event (bench/minimal_app),
   UPDOOT_BENCH_FLOOR_ROUNDS (3) rounds of 200 events each, in turns, before
   the load part. Targets, on the p50s of the same run: an event of ours with no
   database work (AuthState.clear) within 1.5x of the minimal app's, an event
   that only checks the session (PipelineState.cancel_lost) within 1.5x, the deal
   move (PipelineState.move_to, whose durable write alone costs about as much as
   the framework's round trip) within 4x. The browser's side of the floor (a
   click to the DOM updated) is in bench/bench_browser.py.
   UPDOOT_BENCH_FLOOR_ONLY=1 runs this part alone (parts 1-3 skipped).

Smoke run: UPDOOT_BENCH_SESSIONS=20 UPDOOT_BENCH_DURATION=20 UPDOOT_BENCH_IDLE=50
UPDOOT_BENCH_SAT_DURATION=10 python -m bench.bench_load
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path

from bench import cluster as cl
from bench import loadgen as lg
from bench import minimal as minimal_app
from bench.accounts import Account, lost_writes, seed_accounts
from bench.rows import row

P95_TARGET_MS = 150.0
IDLE_TARGET_KB = 200.0
SCALE_TARGET = 1.6
# The floor's targets: (p50 of ours) / (p50 of the minimal app's trivial event).
FLOOR_MOVE_TARGET = 4.0
FLOOR_LIGHT_TARGET = 1.5
FLOOR_EVENTS = 200
FLOOR_ROUNDS = lg.env_int("UPDOOT_BENCH_FLOOR_ROUNDS", 3)
FLOOR_EVENT = "deal move event (PipelineState.move_to)"
FLOOR_NO_DB = "no database (AuthState.clear, public)"
FLOOR_SESSION = "session check only (PipelineState.cancel_lost)"


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _ms2(seconds: float) -> float:
    """Milliseconds to 10 µs: the floor's figures are fractions of a millisecond."""
    return round(seconds * 1000, 2)


def _use_db(url: str) -> None:
    from updoot_app import db

    db.configure(url)


async def _floor_ours(worker_url: str, public_url: str, account: Account,
                      names: dict) -> tuple[list[float], dict[str, list[float]]]:
    """Our deal move, one event at a time; and, to show where its time goes, two
    lighter events of ours on the same tab: one that reads no database at all and
    one that only checks the session."""
    tab = lg.ReflexSession(worker_url, names["cookie_var"], account.session_token,
                           "/dashboard", origin=public_url)
    await tab.connect()
    try:
        await tab.navigate("/pipeline")
        stages = account.stage_ids
        deal = account.deal_ids[0]
        rtts = await lg.sequential_rtts(
            tab, names["move_to"],
            lambda i: {"deal_id": str(deal), "stage_id": str(stages[(i + 1) % len(stages)])},
            tab.touches(names["pipeline"], "last_move_rx_state_"), FLOOR_EVENTS)
        parts = {
            FLOOR_NO_DB: await lg.sequential_rtts(
                tab, f"{names['auth']}.clear", lambda i: {},
                tab.touches(names["auth"], "error_rx_state_"), FLOOR_EVENTS),
            FLOOR_SESSION: await lg.sequential_rtts(
                tab, f"{names['pipeline']}.cancel_lost", lambda i: {},
                tab.touches(names["pipeline_page"], "lost_open_rx_state_"), FLOOR_EVENTS),
        }
        return rtts, parts
    finally:
        await tab.close()


async def _floor_minimal(url: str) -> list[float]:
    tab = lg.ReflexSession(url, path="/")
    tab.keep_updates = True
    await tab.connect()
    try:
        counter = next(k for u in tab.updates for k in (u.get("delta") or {})
                       if k.endswith("counter_state"))
        return await lg.sequential_rtts(tab, f"{counter}.increment", lambda i: {"by": 1},
                                        tab.touches(counter, "count_rx_state_"), FLOOR_EVENTS)
    finally:
        await tab.close()


async def _idle_memory(pids: list[int], open_tabs, count: int) -> float:
    """RSS growth (KB) of `pids` per idle tab, `open_tabs(n)` opening n tabs."""
    warm = await open_tabs(5)
    await asyncio.sleep(2)
    before = cl.rss_kb(pids)
    tabs = await open_tabs(count)
    await asyncio.sleep(5)
    after = cl.rss_kb(pids)
    for tab in tabs + warm:
        await tab.close()
    return (after - before) / count


async def _minimal_tabs(url: str, count: int) -> list[lg.ReflexSession]:
    tabs = []
    for _ in range(count):
        tab = lg.ReflexSession(url, path="/")
        await tab.connect()
        tabs.append(tab)
    return tabs


def sqlite_part(workdir: Path, sessions: int, duration: float, think: float,
                idle: int, floor_only: bool = False) -> list[dict]:
    rows = []
    url = f"sqlite:///{workdir / 'load.db'}"
    with cl.running_cluster(workers=1, database_url=url, redis_url=None,
                            workdir=workdir / "sqlite") as cluster:
        _use_db(url)
        accounts = seed_accounts(1 if floor_only else max(sessions, 1) + 1)
        floor_account, accounts = accounts[0], accounts[1:]
        names = lg.state_names()
        worker_url = f"http://127.0.0.1:{cluster.worker_ports[0]}"

        minimal, minimal_url = minimal_app.start(workdir)
        try:
            ours, floor, rounds, parts = _floor_rounds(
                worker_url, cluster.url, floor_account, names, minimal_url)
            rows += _floor_rows(ours, floor, rounds, parts)
            if floor_only:
                return rows
            rows += _sqlite_load(cluster, accounts, names, sessions, duration, think, idle,
                                 floor_account)
            minimal_idle = asyncio.run(_idle_memory(
                cl.group_pids({minimal.pid}), lambda n: _minimal_tabs(minimal_url, n), idle))
        finally:
            cl.stop(minimal)
    # The same measurement on the minimal app: what a connected session costs the
    # framework and server alone (most of it outside Python's heap).
    rows.append(row(f"memory per idle connected session, minimal Reflex app, {idle} "
                    "sessions (KB, RSS delta; the framework's own floor)",
                    round(minimal_idle, 1)))
    return rows


def _floor_rounds(worker_url: str, public_url: str, account: Account, names: dict,
                  minimal_url: str) -> tuple[list[float], list[float], list[tuple], dict]:
    """Ours and the minimal app in turns, FLOOR_ROUNDS times, on a quiet machine (before
    the load part): a drift in the machine's speed weighs on both alike."""
    ours, floor, rounds, parts = [], [], [], {}
    for _ in range(FLOOR_ROUNDS):
        mine, lighter = asyncio.run(_floor_ours(worker_url, public_url, account, names))
        theirs = asyncio.run(_floor_minimal(minimal_url))
        ours += mine
        floor += theirs
        rounds.append((lg.percentile(mine, 50), lg.percentile(theirs, 50)))
        for name, values in lighter.items():
            parts.setdefault(name, []).extend(values)
    return ours, floor, rounds, parts


def _floor_rows(ours: list[float], floor: list[float], rounds: list[tuple],
                parts: dict[str, list[float]]) -> list[dict]:
    """The floor figures, and the targets on their p50 ratios to the minimal app's
    trivial event (module docstring, part 4)."""
    ours_p50, floor_p50 = lg.percentile(ours, 50), lg.percentile(floor, 50)
    ratio = ours_p50 / floor_p50
    each = ", ".join(f"{o / f:.2f}" for o, f in rounds)
    rows = [
        row(f"floor: minimal Reflex app, trivial event round trip p50 / p95 (ms), "
            f"n={len(floor)}", f"{_ms2(floor_p50)} / {_ms2(lg.percentile(floor, 95))}"),
        row(f"floor: ours, {FLOOR_EVENT}, p50 / p95 (ms), n={len(ours)}",
            f"{_ms2(ours_p50)} / {_ms2(lg.percentile(ours, 95))}"),
        row(f"floor: ours, deal move / minimal app's trivial event (p50 ratio; "
            f"{len(rounds)} rounds in turns, each round's: {each})", round(ratio, 2),
            f"<= {FLOOR_MOVE_TARGET}", ratio <= FLOOR_MOVE_TARGET),
    ]
    for name, values in parts.items():
        p50 = lg.percentile(values, 50)
        light = p50 / floor_p50
        rows.append(row(f"floor: ours, {name}, p50 (ms) and its ratio to the minimal "
                        f"app's trivial event, n={len(values)}",
                        f"{_ms2(p50)} ({light:.2f}x)", f"<= {FLOOR_LIGHT_TARGET}x",
                        light <= FLOOR_LIGHT_TARGET))
    return rows


def _sqlite_load(cluster, accounts: list[Account], names: dict, sessions: int,
                 duration: float, think: float, idle: int,
                 floor_account: Account) -> list[dict]:
    """Parts 1 and 2 of the module docstring, on the running one-worker cluster."""
    rows = []
    ramp = lg.env_float("UPDOOT_BENCH_RAMP", 30.0)
    stats = asyncio.run(lg.run_load(cluster.url, accounts, duration_s=duration,
                                    think_s=think, ramp_s=ramp, names=names))
    acked, missing = lost_writes(accounts)
    all_rtt = stats.all_rtts()
    p95 = lg.percentile(all_rtt, 95)
    wall = stats.ended - stats.started
    rows += [
        row(f"1 worker SQLite: {sessions} sessions (arriving over {ramp:.0f} s) x "
            f"{duration:.0f} s, think {think} s: event round trip p50 (ms)",
            _ms(lg.percentile(all_rtt, 50))),
        row("1 worker SQLite: event round trip p95 (ms), all actions", _ms(p95),
            f"< {P95_TARGET_MS:.0f}", _ms(p95) < P95_TARGET_MS),
        row("1 worker SQLite: actions completed / s", round(stats.events / wall, 1)),
        row("1 worker SQLite: errors (sessions that failed)", len(stats.errors), "0",
            not stats.errors),
        row(f"1 worker SQLite: lost writes (of {acked} acknowledged)", missing, "0",
            missing == 0 and acked > 0),
    ]
    for kind, values in sorted(stats.rtt.items()):
        rows.append(row(f"1 worker SQLite: {kind}: p50 / p95 (ms), n={len(values)}",
                        f"{_ms(lg.percentile(values, 50))} / "
                        f"{_ms(lg.percentile(values, 95))}"))
    if stats.errors:
        print("errors (first 5):", json.dumps(stats.errors[:5], indent=1))

    per_session = asyncio.run(_idle_memory(
        cluster.worker_pids(),
        lambda n: lg.idle_sessions(cluster.url, accounts or [floor_account], names, n),
        idle))
    rows.append(row(f"memory per idle connected session, {idle} sessions (KB, RSS delta)",
                    round(per_session, 1), f"< {IDLE_TARGET_KB:.0f}",
                    per_session < IDLE_TARGET_KB))
    return rows


def _saturate(workdir: Path, workers: int, pg_url: str, redis_url: str, sessions: int,
              duration: float) -> tuple[float, float, int, int, int]:
    from tests.conftest import _private_postgres_database

    with _private_postgres_database(pg_url) as url, \
            cl.running_cluster(workers=workers, database_url=url, redis_url=redis_url,
                               workdir=workdir / f"pg-{workers}") as cluster:
        _use_db(url)
        accounts = seed_accounts(sessions)
        stats = asyncio.run(lg.run_load(cluster.url, accounts, duration_s=duration, think_s=0,
                                        ramp_s=2))
        acked, missing = lost_writes(accounts)
        _use_db("sqlite://")
    wall = stats.ended - stats.started
    return (stats.events / wall, lg.percentile(stats.all_rtts(), 95), len(stats.errors),
            acked, missing)


def _redis_db(base: str) -> str:
    """A private, empty Redis database number (flushed by the caller)."""
    import redis

    root = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    for number in range(14, 0, -1):
        url = f"{root}/{number}"
        client = redis.Redis.from_url(url)
        if client.dbsize() == 0 and client.set("updoot-bench-claim", "1", nx=True):
            client.close()
            return url
        client.close()
    raise cl.ClusterError("no empty Redis database number")


def scaling_part(workdir: Path, sessions: int, duration: float, rounds: int) -> list[dict]:
    """One worker, then two, `rounds` times over (alternating, so a change in the
    machine's load during the part weighs on both alike); each figure is the mean
    of its runs."""
    pg = os.environ.get("UPDOOT_TEST_POSTGRES_URL", "").strip()
    redis_base = os.environ.get("UPDOOT_TEST_REDIS_URL", "").strip()
    if not pg or not redis_base:
        return [row("2 workers PostgreSQL + Redis vs 1: throughput ratio",
                    "skipped: set UPDOOT_TEST_POSTGRES_URL and UPDOOT_TEST_REDIS_URL",
                    f">= {SCALE_TARGET}", None)]
    import redis

    redis_url = _redis_db(redis_base)
    runs: dict[int, list[tuple]] = {1: [], 2: []}
    try:
        for i in range(rounds):
            for workers in (1, 2):
                runs[workers].append(_saturate(workdir / f"r{i}", workers, pg, redis_url,
                                               sessions, duration))
                redis.Redis.from_url(redis_url).flushdb()
                redis.Redis.from_url(redis_url).set("updoot-bench-claim", "1")
    finally:
        redis.Redis.from_url(redis_url).flushdb()
    rows, mean_tput = [], {}
    for n, results in runs.items():
        tputs = [r[0] for r in results]
        mean_tput[n] = sum(tputs) / len(tputs)
        errors, acked, missing = (sum(r[k] for r in results) for k in (2, 3, 4))
        rows.append(row(f"PostgreSQL + Redis, {n} worker(s), {sessions} sessions without think "
                        f"time x {duration:.0f} s, {len(results)} runs: actions / s (each run), "
                        "p95 (ms, each run), errors, lost writes",
                        f"{mean_tput[n]:.1f} ({', '.join(f'{t:.1f}' for t in tputs)}), "
                        f"{', '.join(str(_ms(r[1])) for r in results)}, {errors}, "
                        f"{missing} of {acked}"))
    ratio = mean_tput[2] / mean_tput[1]
    rows.append(row("2 workers vs 1 (PostgreSQL + Redis): throughput ratio (means)",
                    round(ratio, 2), f">= {SCALE_TARGET}", ratio >= SCALE_TARGET))
    return rows


def run() -> list[dict]:
    sessions = lg.env_int("UPDOOT_BENCH_SESSIONS", 200)
    duration = lg.env_float("UPDOOT_BENCH_DURATION", 300)
    think = lg.env_float("UPDOOT_BENCH_THINK", 2.0)
    idle = lg.env_int("UPDOOT_BENCH_IDLE", 500)
    sat_sessions = lg.env_int("UPDOOT_BENCH_SAT_SESSIONS", 40)
    sat_duration = lg.env_float("UPDOOT_BENCH_SAT_DURATION", 60)
    sat_rounds = lg.env_int("UPDOOT_BENCH_SAT_ROUNDS", 2)
    if cl.nginx_binary() is None:
        return [row("load benchmark", "skipped: nginx is not installed", None, None)]
    workdir = Path(tempfile.mkdtemp(prefix=f"updoot-load-{secrets.token_hex(3)}-"))
    print(f"[bench_load] logs in {workdir}", flush=True)
    load_start = os.getloadavg()[0]
    floor_only = os.environ.get("UPDOOT_BENCH_FLOOR_ONLY", "") == "1"
    rows = sqlite_part(workdir, sessions, duration, think, idle, floor_only)
    if not floor_only:
        rows += scaling_part(workdir, sat_sessions, sat_duration, sat_rounds)
    rows.append(row(f"machine: {os.cpu_count()} CPUs, load average (1 min) at start / end "
                    "(other work on the machine skews every figure above)",
                    f"{load_start:.1f} / {os.getloadavg()[0]:.1f}"))
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
    sys.exit(0)
