"""Property-based fuzzing of the served API from its own OpenAPI document: no input may cause a 5xx."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_no_generated_request_gets_a_server_error(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")}
    env |= {
        "RAGLOOM_HOME": str(tmp_path / "home"),
        "RAGLOOM_ADAPTERS__VECTOR_INDEX": "memory",
        "RAGLOOM_ADAPTERS__TEXT_EMBEDDER": "hashing",
        "RAGLOOM_ADAPTERS__METADATA_STORE": "memory",
        "RAGLOOM_HTTP__MAX_UPLOAD_BYTES": "100000",
    }
    command = [sys.executable, "-m", "ragloom.entrypoints.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "server did not start"
            time.sleep(0.5)
        result = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{url}/openapi.json",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                "40",
                "--seed",
                "1",
                "--request-timeout",
                "30",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
        )
        assert result.returncode == 0, result.stdout[-3000:]
    finally:
        server.terminate()
        server.wait(timeout=30)
