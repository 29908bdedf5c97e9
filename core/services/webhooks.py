"""Webhooks: the endpoints a tenant (or the operator) registers, and the delivery of events to them.

A delivery is written in the unit of work of the event it tells of, with its job (the outbox), so an
event that committed is always told, and one rolled back never is. Each attempt is a job; a failed
one is scheduled again after the next of `retry_delays_seconds` (by default the last attempt comes
17.6 hours after the first), and an endpoint whose attempts keep failing is disabled until its owner
enables it again. Bodies carry identifiers and counts only: a receiver asks the API for the rest.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from ..errors import InvalidInput, NotFound, QuotaExceeded
from ..events import (
    ChatDeleted,
    DocumentDeleted,
    DocumentFailed,
    DocumentIndexed,
    DomainEvent,
    TenantDeleted,
    WebhookCreated,
    WebhookDeleted,
    WebhookDisabled,
    WebhookEnabled,
    WebhookSecretRotated,
)
from ..models import (
    SYSTEM_CALLER,
    SYSTEM_OWNER,
    SYSTEM_WEBHOOK_EVENTS,
    TENANT_WEBHOOK_EVENTS,
    Caller,
    DeliveryStatus,
    Job,
    TenantId,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookResponse,
)
from ..ports import WebhookSender
from ..scope import scope_of
from .transactions import Transaction, UnitsOfWork

log = logging.getLogger(__name__)

MAX_URL_LENGTH = 2048
DELIVERY_PREFIX = "msg_"


@dataclass(frozen=True, slots=True)
class WebhookPolicy:
    retry_delays_seconds: tuple[float, ...] = (5, 300, 1800, 7200, 18000, 36000)
    disable_after_failures: int = 20  # failed attempts in a row, over all of an endpoint's deliveries
    max_endpoints: int = 20  # per owner


class WebhookService:
    def __init__(
        self,
        *,
        units: UnitsOfWork,
        sender: WebhookSender,
        policy: WebhookPolicy = WebhookPolicy(),
    ) -> None:
        self._units = units
        self._sender = sender
        self._policy = policy

    async def create(
        self, owner: TenantId, url: str, event_types: Sequence[str], *, caller: Caller = SYSTEM_CALLER
    ) -> WebhookEndpoint:
        """Register an endpoint for the owner's events; its secret is in the result (shown once)."""
        wanted = _event_types(owner, event_types)
        if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
            raise InvalidInput(f"url must be an http(s) URL of at most {MAX_URL_LENGTH} characters")
        await self._sender.check_target(url)
        endpoint = WebhookEndpoint(
            id=f"wh_{uuid.uuid4().hex}",
            tenant_id=owner,
            url=url,
            event_types=wanted,
            secret=new_secret(),
            created_at=datetime.now(UTC),
        )
        async with self._units(scope_of(owner)) as transaction:
            if owner != SYSTEM_OWNER:
                await transaction.tenants.get(owner)
            if len(await transaction.webhooks.list_endpoints(owner)) >= self._policy.max_endpoints:
                raise QuotaExceeded(f"at most {self._policy.max_endpoints} webhook endpoints")
            await transaction.webhooks.add_endpoint(endpoint)
            transaction.publish(
                WebhookCreated(
                    tenant_id=scope_of(owner), caller=caller, endpoint_id=endpoint.id, event_types=wanted
                )
            )
            await transaction.commit()
        return endpoint

    async def list(self, owner: TenantId) -> Sequence[WebhookEndpoint]:
        async with self._units(scope_of(owner), read_only=True) as transaction:
            return await transaction.webhooks.list_endpoints(owner)

    async def get(self, owner: TenantId, endpoint_id: str) -> WebhookEndpoint:
        async with self._units(scope_of(owner), read_only=True) as transaction:
            return await transaction.webhooks.get_endpoint(owner, endpoint_id)

    async def delete(self, owner: TenantId, endpoint_id: str, *, caller: Caller = SYSTEM_CALLER) -> None:
        """Remove the endpoint and its delivery log; its pending attempts are dropped when they run."""
        async with self._units(scope_of(owner)) as transaction:
            await transaction.webhooks.delete_endpoint(owner, endpoint_id)
            transaction.publish(
                WebhookDeleted(tenant_id=scope_of(owner), caller=caller, endpoint_id=endpoint_id)
            )
            await transaction.commit()

    async def rotate_secret(
        self, owner: TenantId, endpoint_id: str, *, caller: Caller = SYSTEM_CALLER
    ) -> WebhookEndpoint:
        """A new secret for the endpoint (in the result, shown once); attempts from now on use it."""
        return await self._change(owner, endpoint_id, {"secret": new_secret()}, WebhookSecretRotated, caller)

    async def enable(
        self, owner: TenantId, endpoint_id: str, *, caller: Caller = SYSTEM_CALLER
    ) -> WebhookEndpoint:
        """Deliver to a disabled endpoint again (new events only: those given up stay failed)."""
        changes = {"enabled": True, "failures": 0, "disabled_reason": None}
        return await self._change(owner, endpoint_id, changes, WebhookEnabled, caller)

    async def _change(
        self,
        owner: TenantId,
        endpoint_id: str,
        changes: Mapping[str, object],
        event: type[WebhookSecretRotated] | type[WebhookEnabled],
        caller: Caller,
    ) -> WebhookEndpoint:
        async with self._units(scope_of(owner)) as transaction:
            endpoint = replace(await transaction.webhooks.get_endpoint(owner, endpoint_id), **changes)  # type: ignore[arg-type]
            await transaction.webhooks.save_endpoint(endpoint)
            transaction.publish(event(tenant_id=scope_of(owner), caller=caller, endpoint_id=endpoint_id))
            await transaction.commit()
        return endpoint

    async def deliveries(
        self, owner: TenantId, endpoint_id: str, *, limit: int = 100, offset: int = 0
    ) -> Sequence[WebhookDelivery]:
        """The endpoint's delivery log, newest first; NotFound for an endpoint the owner lacks."""
        async with self._units(scope_of(owner), read_only=True) as transaction:
            await transaction.webhooks.get_endpoint(owner, endpoint_id)
            return await transaction.webhooks.list_deliveries(owner, endpoint_id, limit=limit, offset=offset)

    async def tell_operator(self, job: Job) -> str:
        """The job the deletion of a tenant wrote with its purge: a delivery per operator endpoint
        that wants `tenant.deleted` (once per endpoint, however often the job runs)."""
        data = {"tenant_id": job.tenant_id, "receipt": json.loads(job.payload.get("receipt", "{}"))}
        async with self._units(None) as transaction:
            told = await write_deliveries(
                transaction, SYSTEM_OWNER, "tenant.deleted", data, once_for=job.tenant_id
            )
            await transaction.commit()
        return f"{told} deliveries"

    async def deliver(self, job: Job) -> str:
        """Run one attempt (a job): post the delivery, record what came of it, and schedule the next
        attempt if it failed. An attempt whose delivery is done, or gone, does nothing."""
        owner, delivery_id = job.tenant_id, job.payload.get("delivery_id", "")
        try:
            async with self._units(scope_of(owner), read_only=True) as transaction:
                delivery = await transaction.webhooks.get_delivery(owner, delivery_id)
                endpoint = await transaction.webhooks.get_endpoint(owner, delivery.endpoint_id)
        except NotFound:
            return "gone"
        if delivery.status != DeliveryStatus.PENDING:
            return delivery.status.value
        if not endpoint.enabled:
            return await self._give_up(delivery, "the endpoint is disabled")
        now = datetime.now(UTC)
        response = await self._sender.send(
            endpoint.url, endpoint.secret, message_id=delivery.id, timestamp=now, body=delivery.body
        )
        return await self._record(delivery, endpoint, response, now)

    async def _record(
        self, delivery: WebhookDelivery, endpoint: WebhookEndpoint, response: WebhookResponse, now: datetime
    ) -> str:
        owner = delivery.tenant_id
        attempts = delivery.attempts + 1
        delivered = response.delivered
        error = response.error
        if not delivered and error is None:
            error = f"the endpoint answered {response.status}"
        attempted = replace(
            delivery, attempts=attempts, last_attempt_at=now, response_status=response.status, error=error
        )
        try:
            async with self._units(scope_of(owner)) as transaction:
                counted = await transaction.webhooks.count_attempt(owner, endpoint.id, delivered=delivered)
                if delivered:
                    attempted = replace(attempted, status=DeliveryStatus.DELIVERED, next_attempt_at=None)
                elif counted.enabled and counted.failures >= self._policy.disable_after_failures:
                    reason = f"disabled after {counted.failures} failed attempts in a row"
                    await transaction.webhooks.save_endpoint(
                        replace(counted, enabled=False, disabled_reason=reason)
                    )
                    transaction.publish(
                        WebhookDisabled(
                            tenant_id=scope_of(owner),
                            caller=SYSTEM_CALLER,
                            endpoint_id=endpoint.id,
                            failures=counted.failures,
                        )
                    )
                    attempted = replace(attempted, status=DeliveryStatus.FAILED, next_attempt_at=None)
                elif attempts <= len(self._policy.retry_delays_seconds):
                    due = now + timedelta(seconds=self._policy.retry_delays_seconds[attempts - 1])
                    attempted = replace(attempted, next_attempt_at=due)
                    await transaction.submit(Job.deliver_webhook(owner, delivery.id, attempts + 1), at=due)
                else:
                    attempted = replace(attempted, status=DeliveryStatus.FAILED, next_attempt_at=None)
                await transaction.webhooks.save_delivery(attempted)
                await transaction.commit()
        except NotFound:  # the endpoint was deleted while the attempt ran
            return "gone"
        if not delivered:
            log.info("webhook %s attempt %d to %s failed: %s", delivery.id, attempts, endpoint.id, error)
        return attempted.status.value

    async def _give_up(self, delivery: WebhookDelivery, reason: str) -> str:
        owner = delivery.tenant_id
        try:
            async with self._units(scope_of(owner)) as transaction:
                failed = replace(delivery, status=DeliveryStatus.FAILED, next_attempt_at=None, error=reason)
                await transaction.webhooks.save_delivery(failed)
                await transaction.commit()
        except NotFound:
            return "gone"
        return DeliveryStatus.FAILED.value


async def tell_endpoints(event: DomainEvent, transaction: Transaction) -> None:
    """In the event's unit of work: a delivery (and its first attempt's job) per endpoint of the
    tenant that wants the event; for a tenant's deletion, the job that tells the operator's endpoints
    (the purge runs in the tenant's scope, which does not reach the operator's rows)."""
    if isinstance(event, TenantDeleted) and event.tenant_id is not None:
        await transaction.submit(Job.tell_operator(event.tenant_id, event.receipt))
        return
    told = _tenant_message(event)
    if told is not None and event.tenant_id is not None:
        await write_deliveries(transaction, event.tenant_id, *told)


async def write_deliveries(
    transaction: Transaction,
    owner: TenantId,
    event_type: str,
    data: Mapping[str, object],
    *,
    once_for: str | None = None,
) -> int:
    """A delivery and its first attempt's job per endpoint of the owner that wants the event; with
    `once_for`, the delivery ids derive from it, so writing them again adds none. How many were added."""
    endpoints = await transaction.webhooks.list_endpoints(owner, event_type=event_type)
    now = datetime.now(UTC)
    added = 0
    for endpoint in endpoints:
        if once_for is None:
            delivery_id = f"{DELIVERY_PREFIX}{uuid.uuid4().hex}"
        else:
            name = f"ragloom:{event_type}:{once_for}:{endpoint.id}"
            delivery_id = f"{DELIVERY_PREFIX}{uuid.uuid5(uuid.NAMESPACE_URL, name).hex}"
            try:
                await transaction.webhooks.get_delivery(owner, delivery_id)
                continue  # written by an earlier run of the same job
            except NotFound:
                pass
        message = {"type": event_type, "timestamp": now.isoformat(), "data": data}
        body = json.dumps(message, separators=(",", ":"))
        delivery = WebhookDelivery(
            delivery_id, endpoint.id, owner, event_type, body, now, next_attempt_at=now
        )
        await transaction.webhooks.add_delivery(delivery)
        await transaction.submit(Job.deliver_webhook(owner, delivery_id, 1))
        added += 1
    return added


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _event_types(owner: TenantId, raw: Sequence[str]) -> tuple[str, ...]:
    known = SYSTEM_WEBHOOK_EVENTS if owner == SYSTEM_OWNER else TENANT_WEBHOOK_EVENTS
    if isinstance(raw, str) or not isinstance(raw, Sequence) or not raw:
        raise InvalidInput(f"event_types must be a non-empty list of: {', '.join(known)}")
    unknown = sorted({str(name)[:80] for name in raw if name not in known})
    if unknown:
        raise InvalidInput(f"unknown event types {unknown}; valid: {', '.join(known)}")
    return tuple(name for name in known if name in raw)


def _tenant_message(event: DomainEvent) -> tuple[str, dict[str, object]] | None:
    """The webhook event type and data of a tenant's domain event, or None if none is told."""
    if isinstance(event, DocumentIndexed):
        return "document.ready", {"document_id": event.document_id, "chunks": event.chunks}
    if isinstance(event, DocumentFailed):
        return "document.failed", {"document_id": event.document_id}
    if isinstance(event, DocumentDeleted):
        return "document.deleted", {"document_id": event.document_id}
    if isinstance(event, ChatDeleted):
        return "chat.deleted", {"chat_id": event.chat_id}
    return None
