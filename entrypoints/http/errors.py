"""The one place where errors become HTTP status codes and JSON bodies: {"error": {"code",
"message"}}, or OpenAI's {"error": {"message", "type", "param", "code"}} on the OpenAI-compatible
routes, whose clients parse that shape."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from ragloom.core import errors

log = logging.getLogger(__name__)

STATUS = {
    errors.InvalidInput: 400,
    errors.Unauthenticated: 401,
    errors.TenantDenied: 403,
    errors.NotFound: 404,
    errors.TooSlow: 408,
    errors.Conflict: 409,
    errors.PayloadTooLarge: 413,
    errors.UnsupportedMedia: 415,
    errors.ExtractionFailed: 422,
    errors.QuotaExceeded: 429,
    errors.Throttled: 429,
    errors.ProviderUnavailable: 503,
}
BEARER_CHALLENGE = 'Bearer realm="ragloom"'
BASIC_CHALLENGE = 'Basic realm="ragloom admin", charset="UTF-8"'
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def under(path: str, prefix: str) -> bool:
    """Whether the URL path is `prefix` or below it."""
    return path == prefix or path.startswith(prefix + "/")


OPENAI_ROUTES = ("/v1/chat/completions", "/v1/models")


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def openai_error_body(code: str, message: str, status: int) -> dict[str, dict[str, str | None]]:
    kinds = {401: "authentication_error", 403: "permission_error", 429: "rate_limit_error"}
    kind = kinds.get(status, "invalid_request_error" if status < 500 else "api_error")
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def error_response(
    request: Request, code: str, message: str, status: int, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """The error as the route's clients expect it."""
    if any(under(request.url.path, route) for route in OPENAI_ROUTES):
        return JSONResponse(openai_error_body(code, message, status), status_code=status, headers=headers)
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def status_of(error: errors.RagloomError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 500


async def ragloom_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, errors.RagloomError)
    status = status_of(exc)
    headers = {"Retry-After": "5"} if isinstance(exc, errors.ProviderUnavailable) and exc.retryable else None
    if isinstance(exc, errors.Throttled):
        headers = {"Retry-After": str(max(1, math.ceil(exc.retry_after)))}
    if isinstance(exc, errors.Unauthenticated):
        challenge = BASIC_CHALLENGE if under(request.url.path, "/admin") else BEARER_CHALLENGE
        headers = {"WWW-Authenticate": challenge}
    return error_response(request, exc.code, exc.message, status, headers)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    return error_response(request, code, str(exc.detail), exc.status_code, exc.headers)


CLIENT_CLOSED_REQUEST = 499  # nginx's status for a request its client abandoned


async def client_gone(request: Request, exc: Exception) -> Response:
    """The client closed the connection before its request was read: nothing to answer, nothing
    broke. Logged as what it is, and 499 in the access log, not a 500."""
    log.info("the client went away during %s %s", request.method, request.url.path)
    return Response(status_code=CLIENT_CLOSED_REQUEST)


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(request, "internal_error", "internal server error", 500)


EXCEPTION_HANDLERS = {
    errors.RagloomError: ragloom_error,
    HTTPException: http_error,
    ClientDisconnect: client_gone,
    Exception: unexpected_error,
}
