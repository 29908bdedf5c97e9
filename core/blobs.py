"""Blob names every BlobStore accepts: a tenant id and '/'-separated key parts that cannot escape
their tenant's space in a folder tree or an object store."""

from __future__ import annotations

import re

from .errors import InvalidInput

_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


def safe_part(value: str, what: str) -> str:
    """`value` if it is a safe name part; InvalidInput naming `what` otherwise."""
    if not _SAFE_PART.match(value) or value in {".", ".."}:
        raise InvalidInput(f"invalid {what} {value!r}")
    return value


def key_parts(key: str) -> list[str]:
    """The key's parts, each checked; InvalidInput for an unsafe key."""
    return [safe_part(part, "blob key part") for part in key.split("/")]
