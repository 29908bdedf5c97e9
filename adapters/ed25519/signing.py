"""Ed25519 signing of audit record hashes.

Keys travel as base64 of their raw 32 bytes (see keys.py). What is signed is the record's hash as its 32 raw
digest bytes (`bytes.fromhex(record.hash)`); the signature is stored as 128 hex characters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from ragloom.core.errors import InvalidInput
from ragloom.core.models import AuditRecord

from .keys import decode_key, key_id
from .settings import Ed25519Settings

logger = logging.getLogger("ragloom.adapters.ed25519")


def generate_private_key() -> str:
    """A new Ed25519 private key, as base64 of its raw 32 bytes."""
    raw = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode()


def public_key_of(private_key: str) -> str:
    """The base64 raw public key of a base64 raw private key (for `trusted_public_keys`)."""
    key = Ed25519PrivateKey.from_private_bytes(decode_key(private_key, "private key"))
    return base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


class Signer:
    """Signs record hashes with one private key."""

    def __init__(self, private_raw: bytes) -> None:
        self._key = Ed25519PrivateKey.from_private_bytes(private_raw)
        self.digest_key = hashlib.sha256(b"ragloom keyed digest\x00" + private_raw).digest()
        self.public_raw = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = key_id(self.public_raw)

    @property
    def public_key(self) -> str:
        """Base64 of the raw public key: what to list in `trusted_public_keys` after rotating."""
        return base64.b64encode(self.public_raw).decode()

    def sign(self, record_hash: str) -> str:
        return self._key.sign(bytes.fromhex(record_hash)).hex()


class Verifier:
    """Checks signatures against the public keys it trusts, chosen by the record's `key_id`."""

    def __init__(self, public_raws: Iterable[bytes]) -> None:
        self._keys = {key_id(raw): Ed25519PublicKey.from_public_bytes(raw) for raw in public_raws}

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def valid(self, record: AuditRecord) -> bool:
        key = self._keys.get(record.key_id)
        if key is None:
            return False
        try:
            key.verify(bytes.fromhex(record.signature), bytes.fromhex(record.hash))
        except (InvalidSignature, ValueError):
            return False
        return True


def load_private_key(
    *, signing_key: str | None, signing_key_file: str | None, create_key_file: bool
) -> bytes:
    """The raw private key from the setting or the file (created 0600 when asked and absent).

    InvalidInput when the file is missing (and may not be created) or does not hold a key.
    """
    if signing_key is not None:
        return decode_key(signing_key, "signing_key")
    if not signing_key_file:
        raise InvalidInput("the audit log needs signing_key or signing_key_file")
    path = Path(signing_key_file).expanduser()
    if not path.exists():
        if not create_key_file:
            raise InvalidInput(
                f"audit signing key file {path} does not exist (set create_key_file: true to create one)"
            )
        _create_key_file(path)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        logger.warning("audit signing key file %s is readable by others (mode %o): chmod 600 it", path, mode)
    try:
        return decode_key(path.read_text(), f"audit signing key file {path}")
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput(str(error)) from error


def _create_key_file(path: Path) -> None:
    """Write a new key to a private temporary file, then link it into place: a concurrent start
    either wins or finds the complete file of the winner, never a half-written one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
        os.write(descriptor, (generate_private_key() + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    try:
        os.link(temporary, path)
    except FileExistsError:
        return  # another process created it first: use theirs
    finally:
        temporary.unlink()
    logger.warning("created a new audit signing key in %s: back it up, records are signed with it", path)


class Ed25519AuditSigner:
    """The AuditSigner port: signs with the configured key, trusts it and the retired keys listed."""

    def __init__(self, signer: Signer, verifier: Verifier) -> None:
        self._signer = signer
        self._verifier = verifier

    @property
    def key_id(self) -> str:
        return self._signer.key_id

    @property
    def public_key(self) -> str:
        """Base64 raw public key of the signing key (list it in `trusted_public_keys` after rotating)."""
        return self._signer.public_key

    def sign(self, digest: str) -> str:
        return self._signer.sign(digest)

    def keyed_digest(self, text: str) -> str:
        return hmac.new(self._signer.digest_key, text.encode(), hashlib.sha256).hexdigest()

    def signature_valid(self, record: AuditRecord) -> bool:
        return self._verifier.valid(record)


def signer_and_verifier(settings: Ed25519Settings) -> tuple[Signer, Verifier]:
    """The signer of the configured key; a verifier trusting it and every `trusted_public_keys`."""
    secret = settings.signing_key.get_secret_value() if settings.signing_key is not None else None
    signer = Signer(
        load_private_key(
            signing_key=secret,
            signing_key_file=settings.signing_key_file,
            create_key_file=settings.create_key_file,
        )
    )
    trusted = [decode_key(key, "trusted public key") for key in settings.trusted_public_keys]
    return signer, Verifier([signer.public_raw, *trusted])


@asynccontextmanager
async def open_audit_signer(settings: Ed25519Settings) -> AsyncIterator[Ed25519AuditSigner]:
    """Load (or create, when allowed) the signing key."""
    yield Ed25519AuditSigner(*signer_and_verifier(settings))
