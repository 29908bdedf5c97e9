"""The one error tree of ragloom. Adapters translate vendor errors into it; only the edges map it."""

from __future__ import annotations


class RagloomError(Exception):
    """Base of every error ragloom raises on purpose. `code` is machine-readable and stable."""

    code = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(RagloomError):
    """The caller sent something malformed or empty."""

    code = "invalid_input"


class NotFound(RagloomError):
    """The thing does not exist for this tenant (another tenant's thing is also 'not found')."""

    code = "not_found"


class Unauthenticated(RagloomError):
    """No credentials, or credentials that match no active key."""

    code = "unauthenticated"


class TenantDenied(RagloomError):
    """The tenant may not do this (suspended, retired)."""

    code = "tenant_denied"


class OutOfScope(RagloomError):
    """A unit of work was asked for data outside its tenant scope: a programming error, never the
    caller's (it maps to 500 and is logged)."""

    code = "out_of_scope"


class UnsupportedMedia(RagloomError):
    """No extractor handles this media type."""

    code = "unsupported_media_type"


class PayloadTooLarge(RagloomError):
    """The upload is over the configured maximum size."""

    code = "payload_too_large"


class QuotaExceeded(RagloomError):
    """A per-tenant limit would be exceeded."""

    code = "quota_exceeded"


class Throttled(RagloomError):
    """Too many failed attempts from this client or for this name: wait `retry_after` seconds."""

    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TooManyUploads(Throttled):
    """This tenant already has as many uploads arriving as it may have at once."""

    code = "too_many_uploads"


class TooSlow(RagloomError):
    """The client sent its request too slowly: under the minimum rate, silent too long, or past the
    deadline. Nothing of it is kept."""

    code = "request_timeout"


class Conflict(RagloomError):
    """The write conflicts with the current state."""

    code = "conflict"


class InvalidTransition(Conflict):
    """A status change that the rules of the aggregate forbid (a deleted document made ready)."""


class ExtractionFailed(RagloomError):
    """The bytes could not be turned into text (corrupt or encrypted file, ...)."""

    code = "extraction_failed"


class ProviderUnavailable(RagloomError):
    """A backing service or model cannot answer. `retryable` says whether trying again may help."""

    code = "provider_unavailable"

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class StoreInUse(ProviderUnavailable):
    """An embedded store is held by another process (for example a running `ragloom serve`)."""

    code = "store_in_use"

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)
