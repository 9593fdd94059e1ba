"""The job worker's CPU priority: background work comes after the web.

`updoot jobs` (on its own, or the child of `updoot serve`) lowers its whole
process at start (`--nice`, lower_process_priority), before the consumer starts
its threads: they inherit it.
No imports of the app here: tests probe it in a child process of its own.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

JOB_NICENESS = 10
AUTOGROUP = Path("/proc/self/autogroup")


def raise_niceness(tid: int, niceness: int) -> None:
    """Set a thread's nice value to at least `niceness` (never raise its priority)."""
    if niceness > os.getpriority(os.PRIO_PROCESS, tid):
        os.setpriority(os.PRIO_PROCESS, tid, niceness)


def lower_process_priority(niceness: int = JOB_NICENESS) -> str:
    """`updoot jobs`: lower this whole process's CPU priority, before its threads
    start (they inherit it). Returns what was done, for the start-up line.

    A nice value alone is not enough on Linux with autogroup scheduling (the
    default of most kernels: /proc/sys/kernel/sched_autogroup_enabled): the CPU
    is first shared evenly between sessions, and nice only orders the threads
    within one. A worker in a session of its own (systemd, setsid, a supervisor)
    would still take a full share from the web workers at nice 10. So a session
    leader also lowers its session's autogroup (/proc/self/autogroup; lowering
    needs no privilege). A worker that does not lead its session (started from a
    shell) leaves the shell's session alone. Under systemd with the cgroup cpu
    controller the service's weight decides: deploy/systemd/updoot-jobs.service
    sets CPUWeight= too."""
    niceness = min(niceness, 19)
    if niceness <= 0:
        return "normal CPU priority"
    try:
        # Linux keeps a nice value per thread: every thread there is now (new ones
        # inherit it from the thread that starts them).
        for tid in (int(t.name) for t in Path("/proc/self/task").iterdir()):
            with contextlib.suppress(ProcessLookupError):
                raise_niceness(tid, niceness)
    except (OSError, AttributeError, ValueError) as exc:
        log.warning("could not lower the job worker's priority: %s", exc)
        return "normal CPU priority (lowering it failed)"
    done = f"nice {os.getpriority(os.PRIO_PROCESS, 0)}"
    if _autogroups_on() and os.getsid(0) == os.getpid():
        try:
            _lower_autogroup(niceness)
            done += ", its session's autogroup too"
        except (OSError, ValueError) as exc:
            log.warning("could not lower the job worker's autogroup: %s", exc)
    return done


def autogroup_niceness() -> int | None:
    """This process's autogroup nice value ("/autogroup-12 nice 0" → 0), or None
    where the kernel shows none: no such file, or an empty or odd one (some
    sandboxes, e.g. gVisor, have the file but leave it empty)."""
    try:
        return int(AUTOGROUP.read_text().split()[-1])
    except (OSError, IndexError, ValueError):
        return None


def _autogroups_on() -> bool:
    try:
        return (Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
                and autogroup_niceness() is not None)
    except OSError:
        return False


def _lower_autogroup(niceness: int) -> None:
    """Raise the autogroup's nice value ("/autogroup-12 nice 0") to `niceness`.
    The kernel takes an unprivileged write at most every 100 ms machine-wide (EAGAIN)."""
    current = autogroup_niceness()
    if current is None or niceness <= current:
        return
    for attempt in range(5):
        try:
            AUTOGROUP.write_text(str(niceness))
            return
        except BlockingIOError:
            if attempt == 4:
                raise
            time.sleep(0.15)
