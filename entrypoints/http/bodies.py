"""Reading JSON bodies and query parameters with clear 400s."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from ragloom.core.errors import InvalidInput

MAX_JSON_BYTES = 256 * 1024


async def json_object(request: Request, example: str, *, empty_ok: bool = False) -> dict[str, Any]:
    """The body as a JSON object; InvalidInput (naming `example`) for anything else."""
    body = await request.body()
    if len(body) > MAX_JSON_BYTES:
        raise InvalidInput(f"the request body is over {MAX_JSON_BYTES} bytes")
    if not body.strip() and empty_ok:
        return {}
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidInput(f"send JSON like {example}") from None
    if not isinstance(data, dict):
        raise InvalidInput(f"the body must be a JSON object like {example}")
    return data


def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"query parameter {name!r} must be an integer") from None
    if not low <= value <= high:
        raise InvalidInput(f"query parameter {name!r} must be between {low} and {high}")
    return value
