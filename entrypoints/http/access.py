"""Who is calling: request ids, API keys on /v1 (Bearer) and administrator credentials on /admin (Basic).

A pure ASGI middleware, so streaming responses pass through untouched. It authenticates before any
route runs; routes read the outcome from `request.state` (see tenancy.py) and nothing else.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import ipaddress
import math
import re
import uuid

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ragloom.core.errors import RagloomError, Throttled, Unauthenticated
from ragloom.core.events import AdminAuthenticationFailed
from ragloom.core.models import ApiKey, Caller, Tenant
from ragloom.core.services.throttle import FailureThrottle

from ..observability import REQUEST_ID, TENANT_ID
from ..passwords import verify_password
from ..settings import AdminSettings
from .errors import ragloom_error, under

# Only hex and dashes (UUIDs, trace ids): a free-form id could carry personal data into the audit trail.
_REQUEST_ID = re.compile(r"^[A-Fa-f0-9-]{8,64}$")
# The admin console's page (entrypoints/http/console): it signs in by itself, over the API.
_CONSOLE_PAGES = frozenset({"/admin", "/admin/"})
_DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


def admin_matches(admin: AdminSettings, credentials: tuple[str, str] | None) -> bool:
    """Constant-time check: the password hash is computed even when the user name is wrong."""
    user, password = credentials or ("", "")
    user_ok = hmac.compare_digest(user.encode(), admin.user.encode())
    password_ok = verify_password(password, admin.password_hash or _DUMMY_HASH)
    return admin.enabled and credentials is not None and user_ok and password_ok


class AccessMiddleware:
    """Tags every request with an id; authenticates /v1 and /mcp (tenant keys) and /admin before
    routing."""

    def __init__(self, app: ASGIApp, *, local_admin: bool = False) -> None:
        self.app = app
        self.local_admin = local_admin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        offered = request.headers.get("x-request-id", "")
        request_id = offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        REQUEST_ID.set(request_id)  # for the log records written while the request runs
        TENANT_ID.set(None)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            if under(scope["path"], "/v1") or under(scope["path"], "/mcp"):
                await self._tenant(request, state, request_id)
            elif under(scope["path"], "/admin") and not _console_page(scope):
                await self._admin(request, state, request_id)
        except RagloomError as error:  # answered as the app's own error handler answers it
            response = await ragloom_error(request, error)
            await response(scope, receive, send_with_id)
            return
        await self.app(scope, receive, send_with_id)

    async def _tenant(self, request: Request, state: dict, request_id: str) -> None:
        tenant, key = await authenticate_tenant(request, Caller("anonymous", request_id))
        state["tenant"] = tenant.id
        TENANT_ID.set(tenant.id)
        state["caller"] = Caller(f"key:{key.id}", request_id)

    async def _admin(self, request: Request, state: dict, request_id: str) -> None:
        runtime = request.app.state.runtime
        admin: AdminSettings = runtime.settings.admin
        if self.local_admin and "authorization" not in request.headers:
            state["caller"] = Caller("admin:local-cli", request_id)
            return
        credentials = basic_credentials(request)
        address = client_address(request)
        keys: list[tuple[str, str]] = [("address", address)]
        if credentials is not None:
            keys.append(("admin", credentials[0][:200]))
        throttle = await runtime.throttle()
        _refuse_if_throttled(throttle, keys)
        if admin_matches(admin, credentials):
            throttle.succeeded(*keys[1:])
            state["caller"] = Caller(f"admin:{admin.user}", request_id)
            return
        throttle.failed(*keys)
        reason = "admin API disabled" if not admin.enabled else "bad credentials"
        refusals = await runtime.refusals()
        await refusals.record(
            AdminAuthenticationFailed(
                tenant_id=None,
                caller=Caller("anonymous", request_id),
                reason=reason,
                source=await source_of(request, address),
            )
        )
        if not admin.enabled:
            raise Unauthenticated(
                "the admin API is disabled: set RAGLOOM_ADMIN_USER and RAGLOOM_ADMIN_PASSWORD "
                "(or admin.user and admin.password_hash in the config)"
            )
        raise Unauthenticated("administrator credentials are required (HTTP Basic)")


def _console_page(scope: Scope) -> bool:
    return scope["path"] in _CONSOLE_PAGES and scope["method"] in ("GET", "HEAD")


async def is_administrator(request: Request) -> bool:
    """Whether the request carries the administrator's Basic credentials (throttled like /admin)."""
    runtime = request.app.state.runtime
    credentials = basic_credentials(request)
    keys = [("address", client_address(request))]
    if credentials is not None:
        keys.append(("admin", credentials[0][:200]))
    throttle = await runtime.throttle()
    _refuse_if_throttled(throttle, keys)
    if admin_matches(runtime.settings.admin, credentials):
        throttle.succeeded(*keys[1:])
        return True
    throttle.failed(*keys)
    return False


def client_address(request: Request) -> str:
    """The client's address: the TCP peer, or, when the peer is a trusted gateway
    (`http.trusted_proxies`), the nearest address in X-Forwarded-For that is not one."""
    peer = request.client.host if request.client is not None else "unknown"
    trusted = _trusted_networks(tuple(request.app.state.runtime.settings.http.trusted_proxies))
    if not _within(peer, trusted):
        return peer
    forwarded = [
        part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()
    ]
    for address in reversed(forwarded):
        if not _within(address, trusted):
            return address
    return forwarded[0] if forwarded else peer


@functools.lru_cache(maxsize=8)
def _trusted_networks(networks: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(network, strict=False) for network in networks)


def _within(address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False  # not an address (a test client's name): never a trusted gateway
    return any(parsed in network for network in networks)


async def source_of(request: Request, address: str) -> str:
    """How the audit trail names a client: a keyed digest of its address, never the address."""
    signer = await request.app.state.runtime.audit_signer()
    return str(signer.keyed_digest(f"address:{address}"))[:16]


def _refuse_if_throttled(throttle: FailureThrottle, keys: list[tuple[str, str]]) -> None:
    wait = throttle.retry_after(*keys)
    if wait > 0:
        raise Throttled(f"too many failed attempts: try again in {math.ceil(wait)} s", retry_after=wait)


async def authenticate_tenant(request: Request, caller: Caller) -> tuple[Tenant, ApiKey]:
    """The tenant of the request's API key. Failures are throttled per client address and per key
    id (429 with Retry-After, before the key is even looked up) and audited in aggregate."""
    runtime = request.app.state.runtime
    token = bearer_token(request)
    address = client_address(request)
    key_id = (token or "").partition(".")[0][:32]
    keys = [("address", address)] + ([("key", key_id)] if key_id else [])
    throttle: FailureThrottle = await runtime.throttle()
    _refuse_if_throttled(throttle, keys)
    tenants = await runtime.tenants()
    try:
        tenant, key = await tenants.authenticate(
            token, caller=caller, source=await source_of(request, address)
        )
    except Unauthenticated:
        throttle.failed(*keys)
        raise
    throttle.succeeded(*keys[1:])
    return tenant, key
