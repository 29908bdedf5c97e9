"""HttpWebhookSender: posts webhook messages signed by the `standardwebhooks` library.

A target is checked when it is registered and again at every attempt, on the addresses its host
resolves to then; the attempt connects to the address that was checked (the Host header and TLS
name stay the URL's), so a name that resolves elsewhere a moment later (DNS rebinding) cannot turn
a delivery towards the deployment's own network. Redirects are not followed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import httpx
from standardwebhooks import Webhook

from ragloom.core.errors import InvalidInput
from ragloom.core.models import WebhookResponse

from .settings import HttpWebhookSettings

USER_AGENT = "ragloom-webhooks/1"
MAX_ERROR_CHARS = 300
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class HttpWebhookSender:
    def __init__(self, client: httpx.AsyncClient, settings: HttpWebhookSettings) -> None:
        self._client = client
        self._timeout = settings.timeout_seconds
        self._allowed = [ipaddress.ip_network(n, strict=False) for n in settings.allowed_networks]

    async def check_target(self, url: str) -> None:
        await self._address(url)

    async def send(
        self, url: str, secret: str, *, message_id: str, timestamp: datetime, body: str
    ) -> WebhookResponse:
        try:
            target = httpx.URL(url)
            address = await self._address(url)
        except InvalidInput as error:
            return WebhookResponse(None, str(error))
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "host": target.netloc.decode("ascii"),
            "webhook-id": message_id,
            "webhook-timestamp": str(int(timestamp.timestamp())),
            "webhook-signature": Webhook(secret).sign(message_id, timestamp, body),
        }
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        try:
            response = await self._client.post(
                target.copy_with(host=str(address)),
                content=body.encode(),
                headers=headers,
                extensions=extensions,
                timeout=self._timeout,
            )
        except httpx.HTTPError as error:
            reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            return WebhookResponse(None, reason[:MAX_ERROR_CHARS])
        return WebhookResponse(response.status_code)

    async def _address(self, url: str) -> IpAddress:
        """The address to connect to; InvalidInput for a URL that is not http(s), or whose host does
        not resolve, or resolves to an address not allowed."""
        try:
            target = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as error:
            raise InvalidInput(f"url is not a valid URL: {error}") from None
        if target.scheme not in ("http", "https") or not target.host:
            raise InvalidInput("url must be an http:// or https:// URL with a host")
        if target.userinfo:
            raise InvalidInput("url must not carry a user name or password")
        port = target.port or (443 if target.scheme == "https" else 80)
        try:
            found = await asyncio.get_running_loop().getaddrinfo(target.host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise InvalidInput(f"the host {target.host!r} does not resolve: {error}") from None
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]
        refused = [a for a in addresses if not self._may_reach(a)]
        if refused or not addresses:
            raise InvalidInput(
                f"the host {target.host!r} resolves to {refused[0] if refused else 'nothing'}, a private, "
                "loopback, link-local or reserved address; an operator can allow its network in "
                "plugins.webhook_sender.http.allowed_networks"
            )
        return addresses[0]

    def _may_reach(self, address: IpAddress) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address in network for network in self._allowed):
            return True
        return address.is_global and not address.is_multicast


@asynccontextmanager
async def open_http_sender(settings: HttpWebhookSettings) -> AsyncIterator[HttpWebhookSender]:
    limits = httpx.Limits(max_connections=settings.max_connections)
    async with httpx.AsyncClient(follow_redirects=False, limits=limits, trust_env=False) as client:
        yield HttpWebhookSender(client, settings)
