"""Start the minimal Reflex app (bench/minimal_app): the framework's floor.

Served as Updoot's workers are (updoot_app/asgi_server.py: uvicorn, one process).
`frontend=False` runs the backend alone (bench/bench_load.py talks to its websocket);
`frontend=True` first builds its frontend for production (as `updoot serve` does for
ours, into bench/minimal_app/.web/build/client, the websocket URL pointing at the
port it will listen on) and serves page and backend on that one port
(bench/bench_browser.py opens it in Chromium).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from pathlib import Path

from bench import cluster as cl
from updoot_app import asgi_server

MINIMAL_APP = Path(__file__).with_name("minimal_app")
APP = "minimal_app.minimal_app:app"
BUILD_TIMEOUT_S = 900


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for key in ("REDIS_URL", "DATABASE_URL", "UPDOOT_WORKER", "REFLEX_API_URL"):
        env.pop(key, None)
    env.update(PYTHONUNBUFFERED="1", REFLEX_TELEMETRY_ENABLED="false", REFLEX_USE_NPM="1",
               PATH=str(cl.BIN) + os.pathsep + env.get("PATH", ""))
    return env


def build_frontend(url: str, log_path: Path) -> None:
    """Production build of the minimal app's pages, its websocket at `url`."""
    env = {**_env(), "REFLEX_API_URL": url}
    with open(log_path, "wb") as log:
        rc = subprocess.run(
            [str(cl.BIN / "reflex"), "export", "--frontend-only", "--no-zip", "--env", "prod",
             "--loglevel", "warning"],
            cwd=MINIMAL_APP, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, timeout=BUILD_TIMEOUT_S).returncode
    if rc != 0:
        raise cl.ClusterError(f"minimal app build failed ({rc}):\n{cl.tail(log_path)}")


def start(workdir: Path, *, frontend: bool = False) -> tuple[subprocess.Popen, str]:
    """Start the minimal app; returns (process, base URL). Stop it with cl.stop."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = cl.free_port()
    url = f"http://127.0.0.1:{port}"
    if frontend:
        build_frontend(url, workdir / "minimal-build.log")
    env = _env()
    if frontend:
        env["REFLEX_API_URL"] = url
    log = open(workdir / "minimal.log", "wb")  # noqa: SIM115 - the child owns it
    proc = subprocess.Popen(
        asgi_server.server_command("127.0.0.1", port, APP),
        cwd=MINIMAL_APP, env=asgi_server.server_env(env, mount_frontend=frontend),
        stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True)
    log.close()
    started = time.monotonic()
    while not cl.ping(url):
        if proc.poll() is not None or time.monotonic() - started > cl.READY_TIMEOUT_S:
            cl.stop(proc)
            raise cl.ClusterError(f"minimal app did not start:\n{cl.tail(workdir / 'minimal.log')}")
        time.sleep(0.3)
    return proc, url


@contextlib.contextmanager
def running(workdir: Path, *, frontend: bool = False):
    """`start` as a context manager: yields the base URL."""
    proc, url = start(workdir, frontend=frontend)
    try:
        yield url
    finally:
        cl.stop(proc)
