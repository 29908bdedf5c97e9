"""Settings and runtimes for tests: the real bootstrap with chosen adapters."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from ragloom.entrypoints.settings import Settings, load_settings

MEMORY_ADAPTERS = {
    "blob_store": "memory",
    "metadata_store": "memory",
    "audit_signer": "memory",
    "vector_index": "memory",
    "text_embedder": "hashing",
}


def memory_settings(home: Path, **overrides: Any) -> Settings:
    """The embedded profile with in-memory stores and the hashing embedder (fast, no model)."""
    # The hashing embedder's similarities are not calibrated: it never abstains unless a test says so.
    data: dict[str, Any] = {"adapters": dict(MEMORY_ADAPTERS), "answers": {"min_similarity": 0.0}}
    for key, value in overrides.items():
        data[key] = value if not isinstance(value, dict) else {**data.get(key, {}), **value}
    return load_settings(environ={"RAGLOOM_HOME": str(home)}, overrides=data)


def default_key(settings: Settings) -> str:
    """The `default` tenant's API key, written to RAGLOOM_HOME when the app first started."""
    return (Path(settings.home) / "default-api-key").read_text().strip()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def wait_for_status(client: Any, document_id: str, timeout: float = 120) -> dict[str, Any]:
    """Poll GET /v1/documents/{id} until it is ready or failed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        body = (await client.get(f"/v1/documents/{document_id}")).json()
        if body.get("status") in ("ready", "failed"):
            return body
        if loop.time() > deadline:
            raise AssertionError(f"document {document_id} still {body.get('status')} after {timeout} s")
        await asyncio.sleep(0.05)


def parse_sse(text: str) -> list[tuple[str, dict[str, Any]]]:
    import json

    events = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        event = next(line[6:].strip() for line in lines if line.startswith("event:"))
        data = json.loads("\n".join(line[5:].strip() for line in lines if line.startswith("data:")))
        events.append((event, data))
    return events
