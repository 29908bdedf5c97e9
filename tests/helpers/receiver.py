"""A real HTTP receiver of webhooks on loopback, in a thread: it verifies each message's Standard
Webhooks signature with the `standardwebhooks` library and answers as a test scripts it."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: dict[str, Any] | None  # the parsed body when its signature verified, else None


@dataclass
class Receiver:
    """`answers`: the status of each request in turn (the last repeats); `stall_seconds`: how long
    it waits before answering (a receiver that never answers in time)."""

    answers: list[int] = field(default_factory=lambda: [204])
    stall_seconds: float = 0.0
    secret: str | None = None
    received: list[Received] = field(default_factory=list)
    url: str = ""

    def _answer(self) -> int:
        index = min(len(self.received) - 1, len(self.answers) - 1)
        return self.answers[index]

    def verify(self, headers: dict[str, str], body: bytes) -> dict[str, Any] | None:
        if self.secret is None:
            return None
        try:
            return Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError:
            return None

    async def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        """The requests received, once there are `count` (the event loop runs meanwhile)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.received)} of {count} webhook requests came in {timeout} s")
            await asyncio.sleep(0.02)
        return self.received


@contextmanager
def receiving(receiver: Receiver) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            receiver.received.append(Received(headers, body, receiver.verify(headers, body)))
            if receiver.stall_seconds:
                time.sleep(receiver.stall_seconds)
            self.send_response(receiver._answer())
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def message(received: Received) -> dict[str, Any]:
    return json.loads(received.body)
