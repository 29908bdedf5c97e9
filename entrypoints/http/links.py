"""Time-limited links to blobs: the store's own presigned URL where it has one (S3), otherwise a URL
of this app signed with HMAC-SHA-256, served by `GET /files/...` to whoever holds it until it expires."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from ragloom.core.errors import NotFound, TenantDenied
from ragloom.core.models import TenantId


@dataclass(frozen=True, slots=True)
class SignedFile:
    tenant: TenantId
    key: str
    media_type: str
    filename: str
    inline: bool = False  # Content-Disposition: inline (a browser shows it), else attachment


class LinkSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _signature(self, file: SignedFile, expires: int) -> str:
        parts = [file.tenant, file.key, str(expires), file.media_type, file.filename]
        if file.inline:  # signed too: a download link cannot be turned into an inline one
            parts.append("inline")
        message = "\n".join(parts).encode()
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def url(self, file: SignedFile, expires_in: int, *, now: float | None = None) -> tuple[str, int]:
        """The path and query of a link valid for `expires_in` seconds, and its expiry (Unix time)."""
        expires = int(now if now is not None else time.time()) + expires_in
        query = urlencode(
            {
                "expires": expires,
                "type": file.media_type,
                "name": file.filename,
                **({"disposition": "inline"} if file.inline else {}),
                "signature": self._signature(file, expires),
            }
        )
        return f"/files/{quote(file.tenant, safe='')}/{quote(file.key)}?{query}", expires

    def verify(
        self, tenant: str, key: str, params: dict[str, str], *, now: float | None = None
    ) -> SignedFile:
        """The file a link names; TenantDenied if its signature is wrong or it has expired."""
        try:
            expires = int(params["expires"])
            inline = params.get("disposition") == "inline"
            file = SignedFile(TenantId(tenant), key, params["type"], params["name"], inline)
            signature = params["signature"]
        except (KeyError, ValueError):
            raise NotFound("not a valid file link") from None
        if not hmac.compare_digest(signature.encode(), self._signature(file, expires).encode()):
            raise TenantDenied("the link's signature is not valid")
        if expires < int(now if now is not None else time.time()):
            raise TenantDenied("the link has expired; ask for a new one")
        return file
