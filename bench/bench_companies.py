"""Benchmarks of the companies module.

(a) Import of a generated 100,000-row companies CSV, with scoring against 3 ICPs,
    into a fresh SQLite database: parse + map + validate + batched import + bulk
    scoring, in a child process so its peak RSS is the import's own.
    Targets: under 30 s, peak RSS under 1 GiB.
(b) The companies list with 50,000 companies: the JSON size of the state the
    page holds after its on_load (target under 200 KB), and the load handler's
    time with 50,000 versus 10 companies (target ratio under 1.5).

Run with ``python bench/bench_companies.py``.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_scoring import (  # noqa: E402
    COUNTRIES,
    ICP_PAYLOADS,
    INDUSTRIES,
    TAGS,
    TECH,
    TRIGGERS,
)

N_IMPORT = 100_000
N_LIST = 50_000
N_SMALL = 10
IMPORT_TARGET_S = 30.0
RSS_TARGET_MB = 1024.0
STATE_TARGET_KB = 200.0
RATIO_TARGET = 1.5


def make_csv(n: int, seed: int = 11) -> bytes:
    """A realistic companies CSV: semicolon-separated, decimal commas, some blanks."""
    rng = np.random.default_rng(seed)
    industries = rng.choice(np.array(INDUSTRIES + [""], dtype=object), n)
    employees = np.round(rng.lognormal(4.5, 1.8, n)).clip(1, 300_000).astype(int)
    revenue = employees * rng.lognormal(11.5, 0.7, n)
    countries = rng.choice(np.array(COUNTRIES, dtype=object), n)

    def pick(pool, k):
        return ", ".join(rng.choice(pool, rng.integers(0, k + 1), replace=False))

    lines = ["Company name;Website;Industry;Employees;Annual revenue;Country;Tech stack;"
             "Triggers;Tags"]
    for i in range(n):
        rev = f"{revenue[i]:.2f}".replace(".", ",") if i % 4 else ""
        emp = str(employees[i]) if i % 9 else ""
        lines.append(f"Company {i};company{i}.example.com;{industries[i]};{emp};{rev};"
                     f"{countries[i]};{pick(TECH, 3)};{pick(TRIGGERS, 1)};{pick(TAGS, 2)}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _setup_workspace(url: str, icp_payloads: list[dict]):
    """Migrate a fresh database, sign up one owner, add the ICPs; (principal, token)."""
    from updoot_app import db, migrations
    from updoot_app.services.identity import auth
    from updoot_app.services.identity.access import resolve_session
    from updoot_app.services.profiles import icps

    db.configure(url)
    migrations.upgrade()
    with db.session_scope() as session:
        _user, token = auth.signup(session, f"bench{time.time_ns()}@example.com",
                                   "bench password 123", "Bench Co")
    with db.session_scope() as session:
        principal = resolve_session(session, token)
        for payload in icp_payloads:
            icps.create_icp(session, principal, payload)
    return principal, token


def _maxrss_mb() -> float:
    """This process's own peak RSS. On Linux, getrusage's ru_maxrss survives fork and
    exec, so a child started by a large bench runner reported the runner's size: read
    the kernel's high-water mark of this image (VmHWM) there instead."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**10
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10


def child_import(csv_path: str, url: str) -> dict:
    """In a fresh process: set up, then time the whole import path."""
    from updoot_app.services.crm import company_import
    from updoot_app.services.csvio.mapping import guess_mapping
    from updoot_app.services.csvio.reading import read_csv_bytes

    principal, _ = _setup_workspace(url, ICP_PAYLOADS)
    rss_before = _maxrss_mb()
    cpu_start = time.process_time()
    start = time.perf_counter()
    data = Path(csv_path).read_bytes()
    frame = read_csv_bytes(data, max_rows=company_import.MAX_IMPORT_ROWS)
    mapping = guess_mapping(list(frame.columns), company_import.IMPORT_COMPANY_FIELDS)
    parsed = time.perf_counter()
    validation = company_import.validate_companies(frame, mapping)
    validated = time.perf_counter()
    del frame
    result = company_import.import_companies(principal, validation.records,
                                             invalid_rows=validation.invalid_rows)
    end = time.perf_counter()
    return {"seconds": end - start, "cpu_s": time.process_time() - cpu_start,
            "load": os.getloadavg()[0], "parse_s": parsed - start,
            "validate_s": validated - parsed, "import_score_s": end - validated,
            "created": result.created, "invalid": result.invalid, "tiers": result.tiers,
            "rss_mb": _maxrss_mb(), "rss_before_mb": rss_before}


def bench_import(n: int = N_IMPORT) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "companies.csv"
        csv_path.write_bytes(make_csv(n))
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        env = {**os.environ, "DATABASE_URL": url}
        out = subprocess.run(
            [sys.executable, __file__, "--child-import", str(csv_path), url],
            capture_output=True, text=True, env=env, cwd=ROOT, check=True)
        figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert figures["created"] == n, figures
    return [
        {"figure": f"import {n:,}-row CSV with scoring, fresh SQLite (s)",
         "value": round(figures["seconds"], 2), "target": f"< {IMPORT_TARGET_S:g}",
         "pass": figures["seconds"] < IMPORT_TARGET_S},
        {"figure": "  same, CPU time of the import process (s)",
         "value": round(figures["cpu_s"], 2), "target": None, "pass": None},
        {"figure": "  machine load average during the run (1 min)",
         "value": round(figures["load"], 1), "target": None, "pass": None},
        {"figure": "  of which parse + map (s)", "value": round(figures["parse_s"], 2),
         "target": None, "pass": None},
        {"figure": "  of which validate (s)", "value": round(figures["validate_s"], 2),
         "target": None, "pass": None},
        {"figure": "  of which batched insert + bulk scoring (s)",
         "value": round(figures["import_score_s"], 2), "target": None, "pass": None},
        {"figure": "import process peak RSS (MiB)", "value": round(figures["rss_mb"], 1),
         "target": f"< {RSS_TARGET_MB:g}", "pass": figures["rss_mb"] < RSS_TARGET_MB},
    ]


def _fill(principal, n: int) -> None:
    from updoot_app.services.crm import company_import
    from updoot_app.services.csvio.mapping import guess_mapping
    from updoot_app.services.csvio.reading import read_csv_bytes

    frame = read_csv_bytes(make_csv(n, seed=n))
    mapping = guess_mapping(list(frame.columns), company_import.IMPORT_COMPANY_FIELDS)
    records = company_import.validate_companies(frame, mapping).records
    company_import.import_companies(principal, records)


def _page_state(token: str):
    """A fresh state tree whose browser holds `token`; (root, CompaniesState)."""
    import reflex as rx

    from updoot_app.state.app_state import AppState
    from updoot_app.state.crm.companies_state import CompaniesState

    root = rx.State(_reflex_internal_init=True)
    app_state = root.get_substate(AppState.get_full_name().split(".")[1:])
    app_state.auth_token = token
    return root, root.get_substate(CompaniesState.get_full_name().split(".")[1:])


def _on_load(root, state) -> tuple[float, int]:
    """Run CompaniesState.load as the page's on_load does, then compute and serialise
    the delta the server sends back; (CPU seconds of this thread, delta bytes).

    CPU time rather than wall time: on a shared machine the wall time of a 3 ms
    event mostly measures the other processes."""
    from updoot_app.state.crm.companies_state import CompaniesState

    root._clean()
    start = time.thread_time()  # CPU time: the machine's other load stays out of it
    result = CompaniesState.event_handlers["load"].fn(state)
    delta = json.dumps(root.get_delta(), default=str).encode()
    seconds = time.thread_time() - start
    assert "toast" not in str(result), result  # no refusal
    return seconds, len(delta)


def _interleaved(pages: list, runs: int = 40) -> list[float]:
    """Best time of each page's on_load, runs interleaved so machine load hits both."""
    best = [float("inf")] * len(pages)
    for _ in range(runs):
        for i, (root, state) in enumerate(pages):
            best[i] = min(best[i], _on_load(root, state)[0])
    return best


def bench_list(n: int = N_LIST) -> list[dict]:
    import updoot_app.updoot_app  # noqa: F401 - registers every state

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'list.db'}"
        big, big_token = _setup_workspace(url, ICP_PAYLOADS[:1])
        small, small_token = _setup_workspace(url, ICP_PAYLOADS[:1])
        _fill(big, n)
        _fill(small, N_SMALL)
        small_page, big_page = _page_state(small_token), _page_state(big_token)
        _, big_delta = _on_load(*big_page)  # first load: the delta holds the rows
        big_full = len(json.dumps(big_page[0].dict(), default=str).encode())
        _on_load(*small_page)
        small_full = len(json.dumps(small_page[0].dict(), default=str).encode())
        gc.collect()  # leave the heap of earlier benchmarks out of the timings
        small_e, big_e = _interleaved([small_page, big_page])
        small_total, big_total = small_page[1].total, big_page[1].total
    assert small_total == N_SMALL and big_total >= 5_000  # the count stops 5,000 ahead
    ratio = big_e / small_e
    return [
        {"figure": f"companies list state after first load, {n:,} companies (KB, whole "
                   "state tree)",
         "value": round(big_full / 1024, 1), "target": f"< {STATE_TARGET_KB:g}",
         "pass": big_full / 1024 < STATE_TARGET_KB},
        {"figure": "  of which the on_load delta sent (KB)", "value": round(big_delta / 1024, 1),
         "target": None, "pass": None},
        {"figure": f"  same with {N_SMALL} companies (KB, whole state)",
         "value": round(small_full / 1024, 1), "target": None, "pass": None},
        {"figure": f"on_load event (handler + delta JSON), {n:,} companies (CPU ms, best of 40)",
         "value": round(big_e * 1000, 2), "target": None, "pass": None},
        {"figure": f"on_load event (handler + delta JSON), {N_SMALL} companies (CPU ms)",
         "value": round(small_e * 1000, 2), "target": None, "pass": None},
        {"figure": f"on_load event time ratio {n:,} / {N_SMALL} companies (x)",
         "value": round(ratio, 2), "target": f"< {RATIO_TARGET:g}",
         "pass": ratio < RATIO_TARGET},
    ]


def run() -> list[dict]:
    return bench_import() + bench_list()


def _print_table(rows: list[dict]) -> None:
    width = max(len(row["figure"]) for row in rows)
    for row in rows:
        verdict = "-" if row["pass"] is None else ("yes" if row["pass"] else "NO")
        print(f"{row['figure']:<{width}}  {row['value']:>10}  {row['target'] or '-':>8}  "
              f"{verdict}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child-import":
        print(json.dumps(child_import(sys.argv[2], sys.argv[3])))
    else:
        _print_table(run())
