"""Slow and vanishing clients against a real `ragloom serve`, over real sockets: uploads that trickle
in are cut off with 408 and hold neither another tenant's uploads nor the server's; a client that
sends its headers slowly is disconnected; a client that goes away mid-upload is logged as that, not
as a server error."""

from __future__ import annotations

import json
import os
import select
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.helpers.server import running_server

ADMIN = ("root", "pw-for-slow-clients")
GRACE_SECONDS = 2


@pytest.fixture
def served(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")}
    env.update(
        RAGLOOM_HOME=str(tmp_path / "home"),
        RAGLOOM_ADAPTERS__TEXT_EMBEDDER="hashing",
        RAGLOOM_ADMIN_USER=ADMIN[0],
        RAGLOOM_ADMIN_PASSWORD=ADMIN[1],
        RAGLOOM_HTTP__MAX_CONCURRENT_UPLOADS="4",
        RAGLOOM_HTTP__MAX_CONCURRENT_UPLOADS_PER_TENANT="2",
        RAGLOOM_HTTP__UPLOAD_MIN_BYTES_PER_SECOND="1024",
        RAGLOOM_HTTP__UPLOAD_GRACE_SECONDS=str(GRACE_SECONDS),
        RAGLOOM_HTTP__HEADER_TIMEOUT_SECONDS="2",
    )
    log = tmp_path / "serve.log"
    with running_server(env, log=log) as url:
        yield url, log


def _tenant(url: str, name: str) -> str:
    response = httpx.post(f"{url}/admin/tenants", json={"name": name}, auth=ADMIN)
    assert response.status_code == 201, response.text
    return response.json()["api_key"]


def _upload(url: str, key: str, name: str) -> httpx.Response:
    files = {"file": (name, f"{name} is a note about tide tables.".encode(), "text/plain")}
    return httpx.post(f"{url}/v1/documents", files=files, headers={"Authorization": f"Bearer {key}"})


def _status(raw: bytes) -> tuple[int, dict]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body) if body.strip().startswith(b"{") else {}


class Trickle:
    """An upload sent by hand on its own socket: headers and the part's head at once, then one body
    byte every half second until the server answers or drops the connection."""

    BODY_BYTES = 100_000

    def __init__(self, url: str, key: str) -> None:
        address = urlsplit(url)
        self.socket = socket.create_connection((address.hostname, address.port))
        head = (
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="slow.txt"\r\n'
            b"Content-Type: text/plain\r\n\r\n"
        )
        request = (
            "POST /v1/documents HTTP/1.1\r\nHost: ragloom.test\r\n"
            f"Authorization: Bearer {key}\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            f"Content-Length: {len(head) + self.BODY_BYTES + 8}\r\n\r\n"
        ).encode()
        self.socket.sendall(request + head)
        self.started = time.monotonic()
        self.answer: bytes = b""
        self.answered_after: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)
        self._thread.start()

    def _trickle(self) -> None:
        for _ in range(self.BODY_BYTES):
            if self._stop.is_set():
                return
            readable, _, _ = select.select([self.socket], [], [], 0.5)
            if readable:
                self.answered_after = time.monotonic() - self.started
                while chunk := self.socket.recv(65536):
                    self.answer += chunk
                    if b"\r\n\r\n" in self.answer and self.answer.rstrip().endswith(b"}"):
                        break
                return
            try:
                self.socket.send(b"x")
            except OSError:
                return

    def result(self, timeout: float = 60) -> tuple[int, dict]:
        self._thread.join(timeout)
        assert self.answer, "the server never answered the slow upload"
        return _status(self.answer)

    def vanish(self) -> None:
        """Stop sending and close the connection mid-body, as a client that went away."""
        self._stop.set()
        self._thread.join(5)
        self.socket.shutdown(socket.SHUT_RDWR)
        self.close()

    def close(self) -> None:
        self.socket.close()


def _access_and_errors(log: Path) -> str:
    return log.read_text(errors="replace")


def test_slow_uploads_are_cut_off_and_hold_no_other_tenant(served):
    url, log = served
    slow_a, patient_b, slow_c = _tenant(url, "Slow A"), _tenant(url, "Patient B"), _tenant(url, "Slow C")
    trickles = [Trickle(url, slow_a) for _ in range(2)]
    time.sleep(0.5)  # both hold their tenant's two slots
    third = Trickle(url, slow_a)
    status, body = third.result(timeout=10)
    assert status == 429 and body["error"]["code"] == "too_many_uploads"
    assert "max_concurrent_uploads_per_tenant" in body["error"]["message"]
    assert third.answered_after is not None and third.answered_after < GRACE_SECONDS

    assert _upload(url, patient_b, "b1.txt").status_code == 201  # A's slow uploads do not block B

    trickles += [Trickle(url, slow_c) for _ in range(2)]
    time.sleep(0.5)
    full = _upload(url, patient_b, "b2.txt")
    if full.status_code == 503:  # the server's four slots are held (unless A's were cut off already)
        assert "http.max_concurrent_uploads" in full.json()["error"]["message"]
        assert full.headers["retry-after"]

    for trickle in trickles:
        status, body = trickle.result()
        assert status == 408, body
        assert body["error"]["code"] == "request_timeout"
        assert "http.upload_min_bytes_per_second" in body["error"]["message"]
        assert trickle.answered_after is not None and trickle.answered_after >= GRACE_SECONDS
        trickle.close()
    third.close()

    assert _upload(url, patient_b, "b3.txt").status_code == 201  # every slot is free again
    assert _upload(url, slow_a, "a1.txt").status_code == 201

    output = _access_and_errors(log)
    assert " 408 " in output and " 429 " in output
    assert "ERROR" not in output and "Traceback" not in output and '" 500 ' not in output


def test_a_client_that_vanishes_mid_upload_is_not_a_server_error(served):
    url, log = served
    key = _tenant(url, "Vanishing")
    trickle = Trickle(url, key)
    time.sleep(0.3)
    trickle.vanish()
    deadline = time.monotonic() + 10
    while "went away" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    output = _access_and_errors(log)
    assert "the client went away during POST /v1/documents" in output
    assert " 499 " in output
    assert "ERROR" not in output and "Traceback" not in output and '" 500 ' not in output
    assert _upload(url, key, "after.txt").status_code == 201  # its slot was given back


@pytest.mark.parametrize("sent", [b"", b"POST /v1/documents HTTP/1.1\r\nHost: ragloom.test\r\n"])
def test_a_connection_slow_to_send_its_headers_is_closed(served, sent):
    url, _ = served
    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port)) as connection:
        connection.sendall(sent)
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 30 and not closed:
            readable, _, _ = select.select([connection], [], [], 0.5)
            if readable:
                closed = connection.recv(4096) == b""
                continue
            try:
                connection.send(b"X")  # one more byte of a header that never ends
            except OSError:
                closed = True
        assert closed, "the server kept a connection that never finished its headers"
        assert time.monotonic() - started < 15
