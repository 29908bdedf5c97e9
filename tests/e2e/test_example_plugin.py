"""The example third-party plugin under examples/ installs into the venv like any package, is
selected by configuration, and answers through HTTP in a real `ragloom serve`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

from tests.helpers.runtime import bearer, parse_sse
from tests.helpers.server import running_server

EXAMPLE = Path(__file__).parents[2] / "examples" / "ragloom-parrot"


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--quiet", *args], check=True, timeout=300)


def test_the_example_plugin_installs_and_answers(tmp_path):
    source = tmp_path / "ragloom-parrot"
    shutil.copytree(EXAMPLE, source)  # built from a copy: the work tree gets no build files
    config = tmp_path / "ragloom.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "adapters": {"chat_model": "parrot", "text_embedder": "hashing", "vector_index": "memory"},
                "plugins": {"chat_model": {"parrot": {"prefix": "Polly says:"}}},
            }
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")}
    env |= {"RAGLOOM_HOME": str(tmp_path / "home"), "RAGLOOM_CONFIG": str(config)}
    _pip("install", "--no-deps", "--no-build-isolation", str(source))
    try:
        listed = subprocess.run(
            [sys.executable, "-m", "ragloom.entrypoints.cli", "plugins", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert listed.returncode == 0, listed.stderr
        assert "ragloom-parrot" in listed.stdout
        with running_server(env) as url:
            key = (tmp_path / "home" / "default-api-key").read_text().strip()
            with httpx.Client(base_url=url, headers=bearer(key), timeout=60) as client:
                created = client.post(
                    "/v1/documents",
                    files={"file": ("owls.txt", b"Owls hunt at night. They fly silently.", "text/plain")},
                )
                assert created.status_code == 201, created.text
                document = created.json()["id"]
                while client.get(f"/v1/documents/{document}").json()["status"] not in ("ready", "failed"):
                    time.sleep(0.1)
                done = parse_sse(client.post("/v1/query", json={"question": "When do owls hunt?"}).text)[-1][
                    1
                ]
        assert done["answer"].startswith("Polly says: Owls hunt at night. [1]")
        assert done["citations"][0]["source"] == "owls.txt"
    finally:
        _pip("uninstall", "--yes", "ragloom-parrot")
