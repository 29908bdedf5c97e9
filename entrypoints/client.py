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

from ragloom.core.errors import InvalidInput
from ragloom.core.services.tenants import Onboarded

from .console import err
from .http.app import create_app
from .lifecycle import default_key_file
from .settings import Settings

LOCAL_BASE_URL = "http://ragloom.local"


def show_new_key(settings: Settings, onboarded: Onboarded) -> None:
    """Show the default tenant's new key once, on this terminal: keys never go to a log."""
    err.print(
        f"created the 'default' tenant; its API key (shown once, also saved to "
        f"{default_key_file(settings)}): {onboarded.token}"
    )


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


def api_key(settings: Settings, explicit: str | None = None) -> str | None:
    """The tenant key to send: --api-key, else RAGLOOM_API_KEY, else the embedded default tenant's file."""
    if explicit:
        return explicit
    if os.environ.get("RAGLOOM_API_KEY"):
        return os.environ["RAGLOOM_API_KEY"]
    with suppress(OSError):
        return default_key_file(settings).read_text().strip() or None
    return None


def _admin_auth() -> httpx.BasicAuth | None:
    user, password = os.environ.get("RAGLOOM_ADMIN_USER"), os.environ.get("RAGLOOM_ADMIN_PASSWORD")
    return httpx.BasicAuth(user, password) if user and password else None


@asynccontextmanager
async def open_client(
    settings: Settings, url: str | None = None, *, key: str | None = None, admin: bool = False
) -> AsyncIterator[httpx.AsyncClient]:
    """A client for a running server (found or given), or for the app run in-process.

    Tenant commands authenticate with `key` (see `api_key`); `admin=True` sends the administrator's
    Basic credentials from RAGLOOM_ADMIN_USER/RAGLOOM_ADMIN_PASSWORD to a server, and needs none
    in-process (whoever can open RAGLOOM_HOME's stores administers them anyway).
    """
    auth = _admin_auth() if admin else None
    target = url or running_server_url(settings)

    def headers() -> dict[str, str]:
        token = None if admin else api_key(settings, key)
        return {"Authorization": f"Bearer {token}"} if token else {}

    if target:
        if admin and auth is None:
            raise InvalidInput(
                f"a server is running at {target}: set RAGLOOM_ADMIN_USER and RAGLOOM_ADMIN_PASSWORD "
                "to administer it"
            )
        timeout = httpx.Timeout(60, connect=5)
        async with httpx.AsyncClient(
            base_url=target, timeout=timeout, headers=headers(), auth=auth
        ) as client:
            yield client
        return
    app = create_app(settings, local_admin=admin, on_new_key=lambda o: show_new_key(settings, o))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url=LOCAL_BASE_URL, timeout=None, headers=headers()
        ) as client:
            yield client
