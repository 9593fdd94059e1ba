"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for
the mail tests, the browser journey, the scaled-setup test and the benchmark.

`mode` makes it misbehave on purpose: "tempfail" answers 451 to every message,
"reject" 550, "ok" accepts.
"""

from __future__ import annotations

import email
import socket
import threading
import time
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import default as default_policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.sink.mode == "tempfail":
            return "451 4.3.0 Try again later"
        if self.sink.mode == "reject":
            return "550 5.7.1 Message refused by policy"
        if self.sink.delay_s:
            time.sleep(self.sink.delay_s)
        if self.sink.headers_only:
            message = BytesHeaderParser(policy=default_policy).parsebytes(envelope.content)
        else:
            message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.sink.lock:
            self.sink.received.append((list(envelope.rcpt_tos), message, time.time()))
        return "250 2.0.0 Message accepted"


class SmtpSink:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.mode = "ok"
        self.delay_s = 0.0
        # The benchmark's stand-in for a remote server reads the headers only.
        self.headers_only = False
        self.lock = threading.Lock()
        self.received: list[tuple[list[str], EmailMessage, float]] = []
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpSink:
        """Listen (again, after a stop: same port, what was received is kept)."""
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [m for _, m, _ in self.received]

    def wait_for(self, count: int, timeout_s: float = 20.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return self.messages
            time.sleep(0.05)
        raise AssertionError(f"expected {count} message(s), the SMTP server got "
                             f"{len(self.received)} in {timeout_s} s")
