"""Run `ragloom serve` as a real process on a free port for the length of a test."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

RAGLOOM = [sys.executable, "-m", "ragloom.entrypoints.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ok(url: str, process: subprocess.Popen, timeout: float, what: str = "server") -> None:
    """Poll `url` until it answers 200; fail if the process exits or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, f"the {what} did not start"
        time.sleep(0.3)


@contextmanager
def running_server(env: dict[str, str], timeout: float = 120, log: Path | None = None) -> Iterator[str]:
    """Yield the server's URL once /readyz answers 200; stop it with SIGINT afterwards. With `log`,
    its output (access log and logs) is written to that file."""
    port = free_port()
    with ExitStack() as files:
        output = files.enter_context(log.open("w")) if log is not None else None
        server = subprocess.Popen(
            [*RAGLOOM, "serve", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=output if output is not None else subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_ok(f"{url}/readyz", server, timeout)
            yield url
        finally:
            server.send_signal(subprocess.signal.SIGINT)
            server.wait(timeout=30)
