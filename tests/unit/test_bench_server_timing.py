"""bench/server_timing: the servers' timing hook is loaded only when asked, and
its figures split bench_browser's round trips as they should."""

import os
import subprocess
import sys

from bench.server_timing import HERE, server_rows, server_times, server_timing

PATCHED = ("from socketio.async_server import AsyncServer; "
           "print(AsyncServer._handle_eio_message.__name__)")


def _handler_name(env: dict) -> str:
    return subprocess.run([sys.executable, "-c", PATCHED], env=env, capture_output=True,
                          text=True, check=True).stdout.strip()


def test_a_server_started_inside_times_the_named_events(tmp_path):
    before = dict(os.environ)
    with server_timing(tmp_path / "times", ("drop_on", "increment")):
        env = dict(os.environ)
    assert dict(os.environ) == before  # restored
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(HERE)
    assert env["UPDOOT_BENCH_EVENT_NAMES"] == "drop_on,increment"
    assert _handler_name(env) == "timed_message"
    unset = {k: v for k, v in env.items() if k != "UPDOOT_BENCH_EVENT_TIMES"}
    assert _handler_name(unset) == "_handle_eio_message"


def test_the_round_trip_splits_into_the_server_part_and_the_rest(tmp_path):
    (tmp_path / "1.txt").write_text("drop_on 1.5\ndrop_on 2.5\ndrop_on 1.0\n")
    (tmp_path / "2.txt").write_text("increment 0.5\nincrement 0.7\n")
    times = server_times(tmp_path)
    assert times == {"drop_on": [1.5, 2.5, 1.0], "increment": [0.5, 0.7]}
    rows = server_rows([[4.0], [5.0], [4.5]], [[2.0], [2.2]], times, ("drop_on", "increment"))
    assert rows[0]["value"] == "1.50 / 0.60"
    assert rows[1]["value"] == "3.00 / 1.50"  # 4.5 - 1.5, 2.1 - 0.6


def test_no_timed_event_says_so():
    assert server_rows([[4.0]], [[2.0]], {}, ("drop_on", "increment"))[0]["value"] == "n/a"
