"""The browser consoles as routes: the tenant console at `/`, the admin console at `/admin/`, and
their static files (plain ES modules and one stylesheet) under `/console/`.

Every response carries a strict Content-Security-Policy: scripts and styles from this origin only,
nothing inline, so a document's text can never run as code even if it reached the page as HTML
(the consoles never parse HTML: they set text and attributes only)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC: Final = Path(__file__).resolve().parent / "static"

CONTENT_SECURITY_POLICY: Final = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "media-src 'self' blob:",
        "frame-src 'self' blob:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS: Final[Mapping[str, str]] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # revalidated on every load (ETag / Last-Modified), so a new release is never half cached
    "Cache-Control": "no-cache",
}


def secured(app: ASGIApp) -> ASGIApp:
    """`app`, with SECURITY_HEADERS set on every HTTP response it sends."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)

        await app(scope, receive, sending)

    return wrapped


def page(name: str) -> Route:
    """A console's HTML page, served at `/` (index.html) or `/admin/` (admin.html)."""
    path = "/" if name == "index.html" else f"/{name.removesuffix('.html')}/"

    async def endpoint(request: Request) -> Response:
        return FileResponse(STATIC / name, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    return Route(path, endpoint, methods=["GET"], name=f"console:{name}")


CONSOLE_ROUTES: list[BaseRoute] = [
    page("index.html"),
    page("admin.html"),
    Mount("/console", app=secured(StaticFiles(directory=STATIC)), name="console"),
]
