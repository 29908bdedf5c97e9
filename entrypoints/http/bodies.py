"""Reading JSON bodies and query parameters with clear 400s."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from ragloom.core.errors import InvalidInput

MAX_JSON_BYTES = 256 * 1024
MAX_JSON_DEPTH = 32


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text, read in one pass (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


async def json_object(request: Request, example: str, *, empty_ok: bool = False) -> dict[str, Any]:
    """The body as a JSON object; InvalidInput (naming `example`) for anything else."""
    body = await request.body()
    if len(body) > MAX_JSON_BYTES:
        raise InvalidInput(f"the request body is over {MAX_JSON_BYTES} bytes")
    if not body.strip() and empty_ok:
        return {}
    try:
        text = body.decode()
    except UnicodeDecodeError:
        raise InvalidInput(f"send JSON like {example}") from None
    if nesting_depth(text) > MAX_JSON_DEPTH:
        raise InvalidInput(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
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
