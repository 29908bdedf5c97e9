"""A third-party package adds a media type and replaces the default extractor of another, through
the `ragloom` entry-point group: installed here by its own dist-info on PYTHONPATH, run by a real
`ragloom serve` (so the sandboxed extraction processes discover it too)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
import pytest
import yaml

from ragloom.core.errors import UnsupportedMedia
from ragloom.core.models import DEFAULT_TENANT
from ragloom.core.streams import IncomingFile
from ragloom.entrypoints.bootstrap import open_runtime
from tests.helpers.runtime import bearer, memory_settings, parse_sse
from tests.helpers.server import running_server

PLUGIN_SITE = Path(__file__).parents[1] / "fixtures" / "media_plugin"
PRICES = b"item\tprice\nblue kettle\t42 euros\nred teapot\t17 euros\n"


async def test_without_the_plugin_a_table_is_415(tmp_path):
    async with open_runtime(memory_settings(tmp_path)) as runtime:
        await runtime.lifecycle.start_all()
        with pytest.raises(UnsupportedMedia, match="text/tab-separated-values"):
            await (await runtime.documents()).upload(
                DEFAULT_TENANT, IncomingFile.from_bytes("prices.tsv", PRICES)
            )


def test_a_plugin_adds_a_media_type_and_replaces_a_default(tmp_path):
    home = tmp_path / "home"
    config = tmp_path / "ragloom.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "adapters": {"media_extractor": ["table", "marked_text", "text", "audio"]},
                "plugins": {"media_extractor": {"table": {"delimiter": "\t"}}},
            }
        )
    )
    env = {
        **os.environ,
        "RAGLOOM_HOME": str(home),
        "RAGLOOM_CONFIG": str(config),
        "PYTHONPATH": os.pathsep.join([str(PLUGIN_SITE), os.environ.get("PYTHONPATH", "")]),
    }
    with running_server(env) as url:
        key = (home / "default-api-key").read_text().strip()
        with httpx.Client(base_url=url, headers=bearer(key), timeout=60) as client:
            table = client.post(
                "/v1/documents", files={"file": ("prices.tsv", PRICES, "text/tab-separated-values")}
            )
            note = client.post(
                "/v1/documents", files={"file": ("note.txt", b"Herons nest in tall trees.", "text/plain")}
            )
            assert table.status_code == note.status_code == 201, (table.text, note.text)
            assert table.json()["media_type"] == "text/tab-separated-values"
            for created in (table, note):
                assert _wait(client, created.json()["id"])["status"] == "ready"

            done = _ask(client, "What does the blue kettle cost?")
            assert "42 euros" in done["answer"]
            assert done["citations"][0]["title"] == "table prices.tsv"
            done = _ask(client, "Where do herons nest?")
            assert done["citations"][0]["title"] == "read by the tables plugin"  # the plugin's reading


def _wait(client: httpx.Client, document_id: str) -> dict:
    deadline = time.monotonic() + 120
    while (body := client.get(f"/v1/documents/{document_id}").json())["status"] not in ("ready", "failed"):
        assert time.monotonic() < deadline, body
        time.sleep(0.2)
    return body


def _ask(client: httpx.Client, question: str) -> dict:
    return parse_sse(client.post("/v1/query", json={"question": question}).text)[-1][1]
