"""Key material formats (no cryptography import): keys travel as base64 of their raw 32 bytes; a
key's id is the first 16 hex characters of SHA-256 over the raw public key."""

from __future__ import annotations

import base64
import binascii
import hashlib

KEY_BYTES = 32


def decode_key(text: str, what: str) -> bytes:
    """The raw 32 bytes of a base64 key; ValueError naming `what` when it is not one."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} is not valid base64") from None
    if len(raw) != KEY_BYTES:
        raise ValueError(f"{what} must be {KEY_BYTES} bytes (base64 of a raw Ed25519 key), got {len(raw)}")
    return raw


def key_id(public_raw: bytes) -> str:
    """The fingerprint stored with each record: first 16 hex chars of sha256(raw public key)."""
    return hashlib.sha256(public_raw).hexdigest()[:16]
