"""The server launch reproduces Reflex's prod backend settings (updoot_app/asgi_server.py)."""

import pytest
from reflex_base import constants
from reflex_base.environment import environment

from updoot_app import asgi_server


@pytest.mark.parametrize("mount", [True, False])
def test_server_env_is_what_reflex_reads(monkeypatch, mount):
    env = asgi_server.server_env({"KEEP": "1"}, mount_frontend=mount)
    assert env["KEEP"] == "1"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert environment.REFLEX_ENV_MODE.get() == constants.Env.PROD
    assert environment.REFLEX_SKIP_COMPILE.get() is True
    assert environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.get() is mount


def test_server_command_is_one_uvicorn_process_without_ws_compression():
    cmd = asgi_server.server_command("127.0.0.1", 8123)
    assert cmd[1:4] == ["-m", "uvicorn", asgi_server.APP]
    assert "--workers" not in cmd
    assert cmd[cmd.index("--port") + 1] == "8123"
    assert cmd[cmd.index("--ws-per-message-deflate") + 1] == "false"
