"""How `updoot serve` and `updoot worker` run the Reflex backend: uvicorn, one process.

`reflex run --env prod` serves through Granian, whose websocket layer keeps
about 180 KB of buffers per connected tab (measured with bench/bench_load.py:
a minimal Reflex app held 192 KB per idle tab on Granian, 60-70 KB on
uvicorn). uvicorn with uvloop and httptools answers a trivial event at
least as fast. Reflex's own prod settings are reproduced here: production
mode, no compile in the server process (the frontend is built beforehand).

Per-message deflate is off, as it is on Granian (which has none): with it,
each tab holds two zlib streams, 100+ KB more, for deltas of a few hundred
bytes. nginx or Caddy in front may compress HTTP; websocket frames go as is.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "updoot_app.updoot_app:app"


def server_env(base: dict[str, str], *, mount_frontend: bool) -> dict[str, str]:
    """`base` plus what `reflex run --env prod` sets for its backend process."""
    from reflex_base.environment import environment  # internal names carry a "__" prefix

    env = dict(base)
    env[environment.REFLEX_ENV_MODE.name] = "prod"
    env[environment.REFLEX_SKIP_COMPILE.name] = "true"
    env[environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.name] = str(mount_frontend).lower()
    return env


def server_command(host: str, port: int, app: str = APP) -> list[str]:
    """uvicorn serving the Reflex app factory `app` on host:port as one process."""
    return [
        sys.executable, "-m", "uvicorn", app, "--factory",
        "--host", host, "--port", str(port),
        "--loop", "uvloop", "--http", "httptools",
        "--ws", "websockets-sansio", "--ws-per-message-deflate", "false",
        "--timeout-graceful-shutdown", "10", "--no-access-log", "--log-level", "warning",
    ]


def exec_server(cwd: Path, host: str, port: int, base_env: dict[str, str], *,
                mount_frontend: bool) -> None:
    """Replace this process with the server (systemd then supervises uvicorn itself)."""
    cmd = server_command(host, port)
    os.chdir(cwd)
    os.execve(cmd[0], cmd, server_env(base_env, mount_frontend=mount_frontend))
