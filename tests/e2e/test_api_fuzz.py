"""Property-based fuzzing of the served API from its own OpenAPI document: no input may cause a 5xx."""

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.server import running_server

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_no_generated_request_gets_a_server_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")}
    env |= {
        "RAGLOOM_HOME": str(tmp_path / "home"),
        "RAGLOOM_ADAPTERS__VECTOR_INDEX": "memory",
        "RAGLOOM_ADAPTERS__TEXT_EMBEDDER": "hashing",
        "RAGLOOM_ADAPTERS__METADATA_STORE": "memory",
        "RAGLOOM_HTTP__MAX_UPLOAD_BYTES": "100000",
    }
    with running_server(env) as url:
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
