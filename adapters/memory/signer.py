"""In-memory AuditSigner: HMAC-SHA-256 with a random key of its own, lost at exit (tests and demos)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from ragloom.core.models import AuditRecord


class HmacSigner:
    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)
        self.key_id = hashlib.sha256(self._key).hexdigest()[:16]

    def sign(self, digest: str) -> str:
        return hmac.new(self._key, digest.encode(), hashlib.sha256).hexdigest()

    def keyed_digest(self, text: str) -> str:
        return hmac.new(self._key, b"digest\x00" + text.encode(), hashlib.sha256).hexdigest()

    def signature_valid(self, record: AuditRecord) -> bool:
        return record.key_id == self.key_id and hmac.compare_digest(record.signature, self.sign(record.hash))
