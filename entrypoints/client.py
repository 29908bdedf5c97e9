"""How CLI commands reach the service: a running server over HTTP, or the app in-process.

The embedded vector store is open in one process at a time, so while `ragloom serve` runs, other
commands talk to it (it records its URL in RAGLOOM_HOME/server.json); otherwise they run the same
app in-process through httpx's ASGI transport.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

import httpx

from .http.app import create_app
from .settings import Settings

LOCAL_BASE_URL = "http://ragloom.local"


def server_file(settings: Settings) -> Path:
    return Path(settings.home) / "server.json"


def record_server(settings: Settings, url: str) -> None:
    path = server_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"url": url, "pid": os.getpid()}))


def forget_server(settings: Settings) -> None:
    path = server_file(settings)
    with suppress(OSError, ValueError):
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()


def running_server_url(settings: Settings) -> str | None:
    """The URL of a live `ragloom serve` on this RAGLOOM_HOME, if one is running."""
    try:
        info = json.loads(server_file(settings).read_text())
        os.kill(int(info["pid"]), 0)
        url = str(info["url"])
        httpx.get(f"{url}/healthz", timeout=2).raise_for_status()
        return url
    except (OSError, ValueError, KeyError, TypeError, httpx.HTTPError):
        return None


@asynccontextmanager
async def open_client(settings: Settings, url: str | None = None) -> AsyncIterator[httpx.AsyncClient]:
    target = url or running_server_url(settings)
    if target:
        async with httpx.AsyncClient(base_url=target, timeout=httpx.Timeout(60, connect=5)) as client:
            yield client
        return
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=LOCAL_BASE_URL, timeout=None) as client:
            yield client
