import os
from contextlib import asynccontextmanager

import httpx
import pytest

from ragloom.entrypoints.http.app import create_app
from ragloom.entrypoints.settings import load_settings
from tests.helpers.runtime import bearer, default_key
from tests.helpers.tenants import ADMIN_SETTINGS


@pytest.fixture
def embedded_settings(tmp_path):
    """The shipped embedded profile (real model, qdrant-edge, SQLite, local blobs) in a temp home."""
    return load_settings(
        environ={"RAGLOOM_HOME": str(tmp_path / "home")},
        overrides={"http": {"max_upload_bytes": 200_000}, "admin": ADMIN_SETTINGS},
    )


@asynccontextmanager
async def app_client(settings):
    """An HTTP client of the app started on `settings`, with the default tenant's key; `.app` is
    the app (its runtime at `.app.state.runtime`)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = bearer(default_key(settings))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://ragloom.test", headers=headers
        ) as http:
            http.app = app
            yield http


@pytest.fixture
async def client(embedded_settings):
    async with app_client(embedded_settings) as http:
        yield http


@pytest.fixture
def env(tmp_path):
    """The environment of a `ragloom` command: no RAGLOOM_* variable of the caller's, a fresh home."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")}
    environment["RAGLOOM_HOME"] = str(tmp_path / "home")
    return environment
