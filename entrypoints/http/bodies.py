"""Reading JSON bodies and query parameters with clear 400s."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from starlette.requests import Request

from ragloom.core.errors import InvalidInput

MAX_JSON_BYTES = 256 * 1024
MAX_JSON_DEPTH = 32
Body = TypeVar("Body", bound=BaseModel)


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


async def parsed(request: Request, model: type[Body], example: str, *, empty_ok: bool = False) -> Body:
    """The body read as `model`; InvalidInput naming the first field that does not fit, and how."""
    data = await json_object(request, example, empty_ok=empty_ok)
    try:
        return model.model_validate(data)
    except ValidationError as invalid:
        raise InvalidInput(f"{_problem(invalid.errors()[0])}; send JSON like {example}") from None


_PHRASES = {
    "missing": "is required",
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "extra_forbidden": "is not a field of this body (unknown fields are refused)",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "string_too_long": "must be at most {max_length} characters",
    "too_short": "must have at least {min_length} item(s)",
    "literal_error": "must be one of {expected}",
}


def _problem(error: ErrorDetails) -> str:
    """A validation error as a sentence: `field 'history[0].role' must be one of 'user', ...`."""
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"])
    where = where.removeprefix(".") or "the body"
    phrase = _PHRASES.get(error["type"])
    if error["type"] == "string_too_short":
        phrase = "must be a non-empty string"
    text = phrase.format(**error.get("ctx", {})) if phrase else error["msg"]
    return f"field {where!r} {text}"


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
