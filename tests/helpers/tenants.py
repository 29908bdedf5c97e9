"""Onboarding tenants through the real admin API in tests."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ADMIN = ("root", "correct horse battery staple")
ADMIN_SETTINGS = {"user": ADMIN[0], "password": ADMIN[1]}


def new_signing_key() -> str:
    """A fresh Ed25519 private key, base64 of its 32 raw bytes (for `plugins.audit_signer.ed25519`)."""
    return base64.b64encode(Ed25519PrivateKey.generate().private_bytes_raw()).decode()


async def onboard(client: Any, name: str, **limits: Any) -> tuple[str, dict[str, str]]:
    """Create a tenant with the admin API; return its id and the headers that carry its key."""
    response = await client.post(
        "/admin/tenants", json={"name": name, **limits}, auth=httpx.BasicAuth(*ADMIN)
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return body["id"], {"Authorization": f"Bearer {body['api_key']}"}
