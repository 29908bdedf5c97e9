"""Administrator passwords: scrypt hashes (stdlib) and constant-time checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
N, R, P = 2**14, 8, 1


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=64 * 1024 * 1024)


def hash_password(password: str) -> str:
    """`scrypt$N$r$p$<salt b64>$<hash b64>`: what `admin.password_hash` takes."""
    salt = secrets.token_bytes(16)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(_scrypt(password, salt, N, R, P))}"


def check_hash_format(encoded: str) -> None:
    """ValueError naming the expected format if `encoded` is not a hash this module wrote."""
    parts = encoded.split("$")
    try:
        if len(parts) != 6 or parts[0] != SCHEME:
            raise ValueError
        int(parts[1]), int(parts[2]), int(parts[3])
        base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5], validate=True)
    except ValueError:
        raise ValueError(
            "must look like scrypt$N$r$p$salt$hash (make one with `ragloom admin hash-password`)"
        ) from None


def verify_password(password: str, encoded: str) -> bool:
    """Whether `password` matches; the comparison takes the same time whatever the bytes."""
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        candidate = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
        return scheme == SCHEME and hmac.compare_digest(candidate, base64.b64decode(digest))
    except ValueError:
        return False
