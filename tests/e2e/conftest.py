"""Browser (end-to-end) fixtures: one production server for the whole session,
one Chromium, a fresh browser context per test, a screenshot per test.

Run on their own: `pytest tests/e2e -q -p no:cacheprovider` (TOOLCHAIN.md:
Playwright's sync API and pytest-asyncio do not mix in one session).
The server uses its own SQLite database in a temp dir; the DB fixtures of
tests/conftest.py are not used here.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
READY_TIMEOUT_S = 240
LOCK_TIMEOUT_S = 900
DESKTOP = {"width": 1280, "height": 800}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 60) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"(no log: {exc})"
    return "\n".join(text.splitlines()[-lines:])


def _ping(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/ping", timeout=3) as resp:
            return resp.status == 200 and b"pong" in resp.read()
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _build_lock():
    """Only one server may build and serve from PROJECT_ROOT/.web at a time:
    hold an exclusive lock (outside the repo) for the whole e2e session."""
    key = hashlib.sha1(str(PROJECT_ROOT).encode()).hexdigest()[:12]
    lock_path = Path(tempfile.gettempdir()) / f"updoot-e2e-{key}.lock"
    handle = open(lock_path, "w")  # noqa: SIM115 - held for the session
    deadline = time.monotonic() + LOCK_TIMEOUT_S
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() > deadline:
                handle.close()
                pytest.fail(f"another e2e server still holds {lock_path} after "
                            f"{LOCK_TIMEOUT_S} s")
            time.sleep(1)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


SERVER_INFO: dict[str, str] = {}  # database_url of the running server (tests that seed data)
MAIL_FROM = "billing@updoot.test"


@pytest.fixture(scope="session")
def mail_sink():
    """A real SMTP server on loopback (tests/smtp_sink.py) for the whole session,
    started before the server, which sends every email to it."""
    from tests.smtp_sink import SmtpSink

    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture(scope="session")
def server(tmp_path_factory, mail_sink):
    """`updoot serve` on a free port with its own database (and job queue file,
    its job worker a child of the server), sending mail to `mail_sink`; yields
    the base URL."""
    lock = _build_lock()
    workdir = tmp_path_factory.mktemp("e2e-server")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.pop("REDIS_URL", None)  # in-memory state manager: nothing shared with other runs
    env.update(
        DATABASE_URL=f"sqlite:///{workdir / 'test.db'}",
        UPDOOT_PUBLIC_URL=base_url,
        REFLEX_PERF_MODE="raise",
        PYTHONUNBUFFERED="1",
        UPDOOT_SMTP_URL=mail_sink.url,
        UPDOOT_MAIL_FROM=MAIL_FROM,
        UPDOOT_JOBS_DB=str(workdir / "jobs.db"),
        UPDOOT_WEBHOOKS_ALLOW_PRIVATE="1",   # the webhook test's receiver is on loopback
    )
    SERVER_INFO["database_url"] = env["DATABASE_URL"]
    SERVER_INFO["jobs_db"] = env["UPDOOT_JOBS_DB"]
    updoot = Path(sys.executable).parent / "updoot"
    log_path = workdir / "server.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [str(updoot), "serve", "--port", str(port), "--host", "127.0.0.1"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        started = time.monotonic()
        while not _ping(base_url):
            if proc.poll() is not None:
                pytest.fail(f"updoot serve exited with {proc.returncode} before /ping "
                            f"answered; log {log_path}:\n{_tail(log_path)}")
            if time.monotonic() - started > READY_TIMEOUT_S:
                pytest.fail(f"updoot serve did not answer /ping within {READY_TIMEOUT_S} s; "
                            f"log {log_path}:\n{_tail(log_path)}")
            time.sleep(0.5)
        print(f"\n[e2e] server ready at {base_url} in {time.monotonic() - started:.1f} s")
        yield base_url
    finally:
        _stop(proc)
        log.close()
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing (apt-get install -y chromium; see TOOLCHAIN.md)"
        if os.environ.get("UPDOOT_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _shot_name(item, suffix: str = "") -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name) + suffix + ".png"


def _screenshot(page, item, suffix: str = "") -> None:
    if page.is_closed():
        return
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(SCREENSHOT_DIR / _shot_name(item, suffix)), full_page=True,
                        timeout=10_000)
    except Exception as exc:  # noqa: BLE001 - a failed screenshot must not mask the test
        print(f"[e2e] screenshot of {item.name}{suffix} failed: {exc}")


@pytest.fixture
def new_page(browser, server, request):
    """Factory: a page in a NEW browser context (another person), base_url set.
    Each is screenshotted at teardown as <test>__<n>.png."""
    made = []

    def make(viewport: dict | None = None):
        context = browser.new_context(base_url=server, viewport=viewport or DESKTOP)
        context.set_default_timeout(15_000)
        context.set_default_navigation_timeout(30_000)
        page = context.new_page()
        made.append((context, page))
        return page

    yield make
    for n, (context, page) in enumerate(made):
        _screenshot(page, request.node, "" if n == 0 else f"__{n + 1}")
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh context (1280x800); screenshot saved to
    tests/e2e/screenshots/<test>.png at the end, pass or fail."""
    return new_page()
