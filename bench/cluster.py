"""Start the scaled setup on this machine: N backend workers behind nginx.

Used by tests/scale and bench/bench_load.py. It runs exactly what
docs/deploy.md describes: `updoot build` once (frontend into
.web/build/client, migrations), `updoot worker --port P` per worker, and nginx
with deploy/nginx/updoot-scaled.conf, everything on loopback, nginx in the
foreground with its config, logs and temp files in a private directory.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NGINX_SITE = PROJECT_ROOT / "deploy" / "nginx" / "updoot-scaled.conf"
WEB_ROOT = PROJECT_ROOT / ".web" / "build" / "client"
BIN = Path(sys.executable).parent
READY_TIMEOUT_S = 180
LOCK_TIMEOUT_S = 900

# The outer nginx.conf for a foreground, unprivileged-paths nginx; the site
# itself is the deploy/ file, included verbatim after substitution.
NGINX_MAIN = """\
${USER}
worker_processes 1;
daemon off;
master_process on;
pid ${DIR}/nginx.pid;
error_log ${DIR}/nginx-error.log warn;
events { worker_connections 4096; }
http {
    include ${MIME};
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    client_body_temp_path ${DIR}/client_body;
    proxy_temp_path ${DIR}/proxy;
    fastcgi_temp_path ${DIR}/fastcgi;
    uwsgi_temp_path ${DIR}/uwsgi;
    scgi_temp_path ${DIR}/scgi;
    include ${DIR}/site.conf;
}
"""


class ClusterError(RuntimeError):
    pass


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ping(url: str, timeout: float = 3) -> bool:
    try:
        with urllib.request.urlopen(url + "/ping", timeout=timeout) as resp:
            return resp.status == 200 and b"pong" in resp.read()
    except (urllib.error.URLError, OSError, ValueError):
        return False


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(no log: {exc})"


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    """Stop a process started with start_new_session=True (its whole group)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


@contextmanager
def web_lock():
    """One build/serve of PROJECT_ROOT/.web at a time (same lock as tests/e2e)."""
    key = hashlib.sha1(str(PROJECT_ROOT).encode()).hexdigest()[:12]
    handle = open(Path(tempfile.gettempdir()) / f"updoot-e2e-{key}.lock", "w")  # noqa: SIM115
    deadline = time.monotonic() + LOCK_TIMEOUT_S
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ClusterError("another server still holds the .web lock") from None
                time.sleep(1)
        yield
    finally:
        handle.close()


def render(path: Path, **values: str) -> str:
    """Fill the ${KEY} placeholders of a deploy/ file (nginx's own $vars stay)."""
    text = path.read_text()
    for key, value in values.items():
        text = text.replace("${" + key + "}", value)
    for line in text.splitlines():
        found = re.search(r"\$\{[A-Z_]+\}", line.split("#", 1)[0])
        if found:
            raise ClusterError(f"{path.name}: unfilled placeholder {found.group()}")
    return text


# How long nginx leaves a worker alone after a failed connection. A restarted
# worker only gets traffic again once this has passed since its last failure.
UPSTREAM_FAIL_TIMEOUT_S = 5


def render_site(listen: str, worker_ports: list[int], web_root: Path = WEB_ROOT,
                server_name: str = "localhost", tls: str = "") -> str:
    workers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout={UPSTREAM_FAIL_TIMEOUT_S}s;"
                        for p in worker_ports)
    return render(NGINX_SITE, LISTEN=listen, SERVER_NAME=server_name, TLS=tls,
                  WEB_ROOT=str(web_root), WORKERS=workers)


def nginx_main(workdir: Path) -> str:
    """The outer nginx.conf around workdir/site.conf (private paths, foreground)."""
    return string.Template(NGINX_MAIN).substitute(
        DIR=str(workdir), MIME="/etc/nginx/mime.types",
        USER="user root root;" if os.geteuid() == 0 else "")


@dataclass
class Cluster:
    """A running setup: `url` is nginx (what browsers and the load use)."""

    workdir: Path
    env: dict[str, str]
    port: int
    worker_ports: list[int]
    workers: dict[int, subprocess.Popen] = field(default_factory=dict)
    nginx: subprocess.Popen | None = None
    direct: bool = False  # no nginx: one worker serving frontend + backend

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def start_worker(self, port: int) -> subprocess.Popen:
        log = open(self.log(f"worker-{port}"), "ab")  # noqa: SIM115 - child owns it
        proc = subprocess.Popen(
            [str(BIN / "updoot"), "worker", "--port", str(port), "--host", "127.0.0.1"],
            cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.workers[port] = proc
        return proc

    def wait_worker(self, port: int) -> None:
        proc = self.workers[port]
        started = time.monotonic()
        while not ping(f"http://127.0.0.1:{port}"):
            if proc.poll() is not None:
                raise ClusterError(f"worker {port} exited with {proc.returncode}:\n"
                                   f"{tail(self.log(f'worker-{port}'))}")
            if time.monotonic() - started > READY_TIMEOUT_S:
                raise ClusterError(f"worker {port} not ready in {READY_TIMEOUT_S} s:\n"
                                   f"{tail(self.log(f'worker-{port}'))}")
            time.sleep(0.3)

    def kill_worker(self, port: int) -> None:
        """SIGKILL a worker's whole process group (a crash, not a shutdown)."""
        stop(self.workers[port], sig=signal.SIGKILL)

    def worker_pids(self) -> list[int]:
        """PIDs of every process in the workers' groups (for RSS)."""
        return group_pids({p.pid for p in self.workers.values() if p.poll() is None})

    def stop(self) -> None:
        if self.nginx is not None:
            stop(self.nginx, sig=signal.SIGQUIT)
        for proc in self.workers.values():
            stop(proc)


def group_pids(groups: set[int]) -> list[int]:
    """PIDs of every process in these process groups."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) in groups:
                pids.append(int(entry.name))
        except (ProcessLookupError, PermissionError):
            continue
    return pids


def rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


@contextmanager
def running_cluster(*, workers: int, database_url: str, redis_url: str | None,
                    workdir: Path, extra_env: dict[str, str] | None = None):
    """Build once, start `workers` workers and nginx in front; yield a Cluster.

    With redis_url None there must be one worker (in-memory state manager).
    """
    nginx = nginx_binary()
    if nginx is None:
        raise ClusterError("nginx is not installed (apt-get install -y nginx)")
    if redis_url is None and workers != 1:
        raise ClusterError("several workers need Redis (REDIS_URL)")
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = dict(os.environ)
    for key in ("REDIS_URL", "UPDOOT_PORT"):
        env.pop(key, None)
    env.update(DATABASE_URL=database_url, UPDOOT_PUBLIC_URL=f"http://127.0.0.1:{port}",
               PYTHONUNBUFFERED="1", REFLEX_TELEMETRY_ENABLED="false")
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra_env or {})
    cluster = Cluster(workdir=workdir, env=env, port=port,
                      worker_ports=[free_port() for _ in range(workers)])
    with web_lock():
        build_log = cluster.log("build")
        with open(build_log, "wb") as log:
            rc = subprocess.run([str(BIN / "updoot"), "build"], cwd=PROJECT_ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, timeout=600).returncode
        if rc != 0:
            raise ClusterError(f"updoot build failed ({rc}):\n{tail(build_log)}")
        try:
            for p in cluster.worker_ports:
                cluster.start_worker(p)
            for p in cluster.worker_ports:
                cluster.wait_worker(p)
            (workdir / "site.conf").write_text(
                render_site(f"127.0.0.1:{port}", cluster.worker_ports))
            (workdir / "nginx.conf").write_text(nginx_main(workdir))
            nginx_log = open(cluster.log("nginx"), "wb")  # noqa: SIM115
            cluster.nginx = subprocess.Popen(
                [nginx, "-c", str(workdir / "nginx.conf"), "-p", str(workdir)],
                stdout=nginx_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
            nginx_log.close()
            started = time.monotonic()
            while not ping(cluster.url):
                if cluster.nginx.poll() is not None or time.monotonic() - started > 20:
                    raise ClusterError("nginx did not start:\n"
                                       f"{tail(cluster.log('nginx'))}\n"
                                       f"{tail(workdir / 'nginx-error.log')}")
                time.sleep(0.2)
            yield cluster
        finally:
            cluster.stop()
