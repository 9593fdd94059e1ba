"""Running huey's consumer: in the web process (`updoot serve`, the single-VM
default) or on its own (`updoot jobs`, the scaled setup)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import AsyncIterator

from huey.consumer import Consumer

from updoot_app.jobs import (
    priority,
    tasks,  # noqa: F401 - registers the tasks on the queue
)
from updoot_app.jobs.queue import huey

log = logging.getLogger(__name__)
WORKERS = 2
# In the web process one thread: jobs share the interpreter (and its GIL) with the
# event loop that answers the browser, so they go one at a time there.
IN_PROCESS_WORKERS = 1


class InProcessConsumer(Consumer):
    """huey's consumer without its signal handlers: in the web process the server
    (uvicorn) owns SIGINT/SIGTERM and stops us from its shutdown hook."""

    def _set_signal_handlers(self) -> None:
        pass


# Threads: the work is SMTP and database I/O. max_delay bounds how long an idle
# worker sleeps between polls of the SQLite queue (Redis wakes it at once).
OPTIONS = {"worker_type": "thread", "periodic": True, "initial_delay": 0.1,
           "backoff": 1.15, "max_delay": 1.0, "shutdown_timeout": 5}


def make_consumer(workers: int = WORKERS) -> Consumer:
    """The standalone consumer of `updoot jobs` (its signal handlers included)."""
    return huey.create_consumer(workers=workers, **OPTIONS)


# Background work yields the CPU to the web: job threads run at a lower priority
# (Linux schedules threads one by one, so in the web process this leaves the
# event loop's alone; `updoot jobs` lowers the whole process, priority.py).
_lowered = threading.local()


@huey.pre_execute()
def _lower_priority(_task) -> None:
    if not getattr(_lowered, "done", False):
        with contextlib.suppress(OSError, AttributeError):
            priority.raise_niceness(threading.get_native_id(), priority.thread_niceness())
        _lowered.done = True


def start_in_process() -> Consumer:
    """Start workers and the scheduler as threads of this process (no signal
    handlers: the server owns them); stop with `consumer.stop(graceful=True)`."""
    consumer = InProcessConsumer(huey, workers=IN_PROCESS_WORKERS, check_worker_health=False,
                                 **OPTIONS)
    consumer.start()
    log.info("job queue consumer started in-process (%s worker)", IN_PROCESS_WORKERS)
    return consumer


IN_PROCESS_ENV = "UPDOOT_JOBS_IN_PROCESS"


@contextlib.asynccontextmanager
async def lifespan() -> AsyncIterator[None]:
    """The web app's lifespan task: with UPDOOT_JOBS_IN_PROCESS=1 (set by `updoot
    serve`) the consumer runs in this process for as long as the server does."""
    if os.environ.get(IN_PROCESS_ENV) != "1":
        yield
        return
    consumer = await asyncio.to_thread(start_in_process)
    try:
        yield
    finally:
        await asyncio.to_thread(consumer.stop, graceful=True)
