"""Times named events inside a server (bench/bench_browser.py's diagnostic rows).

Python imports `sitecustomize` at start-up from the path; bench_browser puts this
directory first on PYTHONPATH of the two servers it starts (ours and the minimal
app) and names a directory in UPDOOT_BENCH_EVENT_TIMES. Nothing happens when that
variable is unset.

For each websocket message that names a watched event (UPDOOT_BENCH_EVENT_NAMES,
comma-separated handler names), the time from socket.io reading the message to
uvicorn writing the first answer after it: the server's whole part of the round
trip (Reflex's event processing, the handler, the delta, the frame written),
without the network or the browser. One line per event, "name ms", in
<dir>/<pid>.txt. The browser's round trip minus this is the browser's part.
"""

from __future__ import annotations

import os
import time


def _install(out_dir: str, names: list[str]) -> None:
    from socketio.async_server import AsyncServer
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

    pending: list = []  # [name, perf_counter at arrival] of the event awaiting its answer
    path = os.path.join(out_dir, f"{os.getpid()}.txt")
    handle_message, send = AsyncServer._handle_eio_message, WebSocketsSansIOProtocol.send

    async def timed_message(self, eio_sid, data):
        if isinstance(data, str):
            name = next((n for n in names if f'.{n}"' in data), None)
            if name is not None:
                pending[:] = [name, time.perf_counter()]
        return await handle_message(self, eio_sid, data)

    async def timed_send(self, message):
        await send(self, message)
        text = message.get("text") or ""
        if pending and message.get("type") == "websocket.send" and text.startswith("42"):
            name, start = pending
            pending.clear()
            with open(path, "a", encoding="utf-8") as out:
                out.write(f"{name} {(time.perf_counter() - start) * 1000:.3f}\n")

    AsyncServer._handle_eio_message = timed_message
    WebSocketsSansIOProtocol.send = timed_send


_OUT = os.environ.get("UPDOOT_BENCH_EVENT_TIMES")
if _OUT:
    try:
        _install(_OUT, [n for n in os.environ.get("UPDOOT_BENCH_EVENT_NAMES", "").split(",")
                        if n])
    except ImportError:  # a Python process of the build, not a server
        pass
