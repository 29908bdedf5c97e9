"""Tenants: onboarding, lifecycle, API keys, authentication and retirement with a deletion receipt."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ..errors import Conflict, NotFound, TenantDenied, Unauthenticated
from ..events import (
    AccessDenied,
    ApiKeyIssued,
    ApiKeyRevoked,
    AuthenticationFailed,
    TenantCreated,
    TenantDeleted,
    TenantLimitsChanged,
    TenantResumed,
    TenantSuspended,
)
from ..models import (
    SYSTEM_CALLER,
    ApiKey,
    Caller,
    Job,
    Tenant,
    TenantId,
    TenantStatus,
    TenantUsage,
    tenant_limits,
)
from ..ports import BlobStore, JobQueue, PointRemover, SemanticCache
from .refusals import RefusalLedger
from .transactions import UnitsOfWork

KEY_ID_PREFIX = "rlk_"
_KEY_ID = re.compile(r"^rlk_[0-9a-f]{12}$")
_TENANT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_KEY_REQUIRED = "a valid API key is required: send 'Authorization: Bearer <key>'"


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_api_key(tenant: TenantId) -> tuple[ApiKey, str]:
    """A fresh key and its token `rlk_<12 hex>.<secret>` (the only time the secret exists in clear)."""
    key_id = KEY_ID_PREFIX + secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(key_id, tenant, _hash_secret(secret), datetime.now(UTC))
    return key, f"{key_id}.{secret}"


def valid_tenant_id(raw: str) -> TenantId:
    """The id if it is well-formed; NotFound otherwise (a malformed id names no tenant)."""
    if not _TENANT_ID.match(raw):
        raise NotFound(f"tenant {raw[:80]!r} not found")
    return TenantId(raw)


def _key_refusal(token: str | None, found: tuple[ApiKey, Tenant] | None, matches: bool) -> str | None:
    """Why the presented token authenticates nobody (for the audit record), or None if it is good."""
    if not token:
        return "no API key"
    if found is None:
        return "unknown API key"
    if not matches:
        return "wrong secret"
    if found[0].revoked_at is not None:
        return "revoked API key"
    return None


@dataclass(frozen=True, slots=True)
class Onboarded:
    tenant: Tenant
    key: ApiKey
    token: str


class TenantService:
    """Everything an administrator does to tenants, and the check every tenant request passes."""

    def __init__(
        self,
        *,
        units: UnitsOfWork,
        blobs: BlobStore,
        index: PointRemover,
        cache: SemanticCache | None = None,
        queue: JobQueue | None = None,
        refusals: RefusalLedger | None = None,
        space: str | None = None,
    ) -> None:
        self._space = space  # the embedding space new tenants search
        self._queue = queue
        self._refusals = refusals
        self._units = units
        self._blobs = blobs
        self._index = index
        self._cache = cache

    async def create(
        self,
        name: object,
        *,
        max_documents: object = None,
        max_bytes: object = None,
        tenant_id: TenantId | None = None,
        caller: Caller = SYSTEM_CALLER,
    ) -> Onboarded:
        """A new active tenant with its first API key, committed together with the audit record."""
        tenant = Tenant.new(
            tenant_id or TenantId(str(uuid.uuid4())),
            name,
            datetime.now(UTC),
            max_documents=max_documents,
            max_bytes=max_bytes,
            embedding_space=self._space,
        )
        key, token = new_api_key(tenant.id)
        async with self._units(tenant.id) as transaction:
            tenant = await transaction.tenants.add(tenant)
            await transaction.keys.add(key)
            transaction.publish(TenantCreated(tenant_id=tenant.id, caller=caller, key_id=key.id))
            await transaction.commit()
        return Onboarded(tenant, key, token)

    async def ensure(self, tenant_id: TenantId, name: str) -> Onboarded | None:
        """Create the tenant unless it exists; the onboarding (with its key) only when created now."""
        try:
            await self.get(tenant_id)
            return None
        except NotFound:
            pass
        try:
            return await self.create(name, tenant_id=tenant_id)
        except Conflict:
            return None

    async def get(self, tenant_id: TenantId) -> Tenant:
        async with self._units(tenant_id, read_only=True) as transaction:
            return await transaction.tenants.get(tenant_id)

    async def list(self, *, limit: int = 100, offset: int = 0) -> Sequence[Tenant]:
        async with self._units(None, read_only=True) as transaction:
            return await transaction.tenants.list(limit=limit, offset=offset)

    async def keys(self, tenant_id: TenantId) -> Sequence[ApiKey]:
        async with self._units(tenant_id, read_only=True) as transaction:
            await transaction.tenants.get(tenant_id)
            return await transaction.keys.list(tenant_id)

    async def set_limits(
        self, tenant_id: TenantId, changes: dict[str, object], *, caller: Caller = SYSTEM_CALLER
    ) -> Tenant:
        """Change the tenant's own quotas: the keys given replace the current ones (null: the default)."""
        limits = tenant_limits(changes)  # bad input is refused before anything is read
        async with self._units(tenant_id) as transaction:
            current = await transaction.tenants.get(tenant_id, for_update=True)
            tenant = await transaction.tenants.save(current.with_limits(limits, datetime.now(UTC)))
            transaction.publish(
                TenantLimitsChanged(
                    tenant_id=tenant_id,
                    caller=caller,
                    max_documents=tenant.max_documents,
                    max_bytes=tenant.max_bytes,
                )
            )
            await transaction.commit()
        return tenant

    async def usage(self, tenant_id: TenantId) -> TenantUsage:
        async with self._units(tenant_id, read_only=True) as transaction:
            return await transaction.documents.usage(tenant_id)

    async def suspend(self, tenant_id: TenantId, *, caller: Caller = SYSTEM_CALLER) -> Tenant:
        """Refuse the tenant's keys and stop its ingestion; its documents wait, queued, for resume."""
        tenant = await self._set_status(tenant_id, TenantStatus.SUSPENDED, caller)
        if self._queue is not None:
            await self._queue.cancel(tenant_id)
        return tenant

    async def resume(self, tenant_id: TenantId, *, caller: Caller = SYSTEM_CALLER) -> Tenant:
        return await self._set_status(tenant_id, TenantStatus.ACTIVE, caller)

    async def _set_status(self, tenant_id: TenantId, status: TenantStatus, caller: Caller) -> Tenant:
        event_type = TenantSuspended if status == TenantStatus.SUSPENDED else TenantResumed
        async with self._units(tenant_id) as transaction:
            current = await transaction.tenants.get(tenant_id, for_update=True)
            tenant = await transaction.tenants.save(current.moved_to(status, datetime.now(UTC)))
            transaction.publish(event_type(tenant_id=tenant_id, caller=caller, previous=current.status.value))
            await transaction.commit()
        return tenant

    async def delete(self, tenant_id: TenantId, *, caller: Caller = SYSTEM_CALLER) -> dict[str, int]:
        """Retire the tenant: refuse its keys at once, then purge vectors, blobs, cache and rows.

        Safe to repeat: a purge cut short by a failure is finished by the next call, or by the erase
        job marked with the tenant (the relay publishes it should this stop half way). The receipt
        counts what this call removed per store. The audit chain of the tenant is kept.
        """
        async with self._units(tenant_id) as transaction:
            # Held to the commit: waits for an upload in flight.
            tenant = await transaction.tenants.get(tenant_id, for_update=True)
            if tenant.status != TenantStatus.DELETED:
                await transaction.tenants.save(tenant.moved_to(TenantStatus.DELETED, datetime.now(UTC)))
                await transaction.safeguard(Job.erase_tenant(tenant_id))
            await transaction.commit()
        if self._queue is not None:
            await self._queue.cancel(tenant_id)
        return await self._purge(tenant_id, caller)

    async def erase(self, job: Job) -> str:
        """The erase job of a tenant deletion left half done: finish its purge."""
        async with self._units(job.tenant_id, read_only=True) as transaction:
            try:
                tenant = await transaction.tenants.get(job.tenant_id)
            except NotFound:
                return "gone"
        if tenant.status != TenantStatus.DELETED:
            return "skipped"
        await self._purge(job.tenant_id, SYSTEM_CALLER)
        return "erased"

    async def _purge(self, tenant_id: TenantId, caller: Caller) -> dict[str, int]:
        receipt = {"vectors": await self._index.count(tenant_id)}
        await self._index.delete_tenant(tenant_id)
        receipt["blobs"] = await self._blobs.delete_tenant(tenant_id)
        if self._cache is not None:
            receipt["cache_entries"] = await self._cache.invalidate(tenant_id)
        async with self._units(tenant_id) as transaction:
            receipt["documents_rows"] = await transaction.documents.purge(tenant_id)
            receipt["api_keys_rows"] = await transaction.keys.purge(tenant_id)
            receipt["chats_rows"] = await transaction.chats.purge(tenant_id)
            receipt["webhooks_rows"] = await transaction.webhooks.purge(tenant_id)
            await transaction.release(Job.erase_tenant(tenant_id))
            transaction.publish(TenantDeleted(tenant_id=tenant_id, caller=caller, receipt=dict(receipt)))
            await transaction.commit()
        return receipt

    async def issue_key(self, tenant_id: TenantId, *, caller: Caller = SYSTEM_CALLER) -> tuple[ApiKey, str]:
        key, token = new_api_key(tenant_id)
        async with self._units(tenant_id) as transaction:
            (await transaction.tenants.get(tenant_id)).live()
            await transaction.keys.add(key)
            transaction.publish(ApiKeyIssued(tenant_id=tenant_id, caller=caller, key_id=key.id))
            await transaction.commit()
        return key, token

    async def revoke_key(self, tenant_id: TenantId, key_id: str, *, caller: Caller = SYSTEM_CALLER) -> ApiKey:
        async with self._units(tenant_id) as transaction:
            await transaction.tenants.get(tenant_id)
            if not _KEY_ID.match(key_id):
                raise NotFound(f"key {key_id[:80]!r} not found")
            key = await transaction.keys.revoke(tenant_id, key_id)
            transaction.publish(ApiKeyRevoked(tenant_id=tenant_id, caller=caller, key_id=key_id))
            await transaction.commit()
        return key

    async def authenticate(
        self, token: str | None, *, caller: Caller, source: str = "unknown"
    ) -> tuple[Tenant, ApiKey]:
        """The active tenant the token belongs to; Unauthenticated or TenantDenied, both audited
        (aggregated per `source`, a keyed digest of the client's address, when a ledger is set).

        One read finds the key and its tenant; the secret's hash is compared in constant time, also
        when the key id is unknown.
        """
        key_id, _, secret = (token or "").partition(".")
        found = None
        if _KEY_ID.match(key_id):
            async with self._units(None, read_only=True) as transaction:
                found = await transaction.keys.find(key_id)
        expected = found[0].secret_hash if found is not None else _hash_secret("")
        matches = hmac.compare_digest(_hash_secret(secret), expected)
        reason = _key_refusal(token, found, matches)
        if reason is not None or found is None:  # an unknown key always has a reason
            await self._record_refusal(
                AuthenticationFailed(tenant_id=None, caller=caller, reason=str(reason), source=source)
            )
            raise Unauthenticated(_KEY_REQUIRED)
        key, tenant = found
        if tenant.status != TenantStatus.ACTIVE:
            await self._record_refusal(
                AccessDenied(
                    tenant_id=tenant.id,
                    caller=caller,
                    key_id=key.id,
                    status=tenant.status.value,
                    source=source,
                )
            )
            if tenant.status == TenantStatus.DELETED:
                raise Unauthenticated(_KEY_REQUIRED)
            raise TenantDenied(f"tenant {tenant.id} is suspended; ask your administrator")
        return tenant, key

    async def _record_refusal(self, event: AuthenticationFailed | AccessDenied) -> None:
        if self._refusals is not None:
            await self._refusals.record(event)
        else:
            await self._units.publish(event)
