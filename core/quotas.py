"""Per-tenant limits: what breaks a quota, said the same way by every store."""

from __future__ import annotations

from .models import Quotas, TenantUsage

ADVICE = "delete documents or ask your administrator to raise the limit"


def quota_breach(after: TenantUsage, limits: Quotas, incoming_bytes: int) -> str | None:
    """Why adding a document of `incoming_bytes` (giving usage `after`) breaks a limit; None if fine."""
    if limits.max_documents and after.documents > limits.max_documents:
        return (
            f"the tenant has {after.documents - 1} documents and its limit is {limits.max_documents}: "
            + ADVICE
        )
    if limits.max_bytes and after.bytes > limits.max_bytes:
        return (
            f"this upload of {incoming_bytes} bytes would bring the tenant's stored bytes to {after.bytes}, "
            f"over its limit of {limits.max_bytes}: " + ADVICE
        )
    return None
