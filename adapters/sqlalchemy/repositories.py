"""The repositories of a SQL unit of work: every statement runs on the unit's one connection, in its
transaction, after the scope check (and, on PostgreSQL, under row-level security for that scope)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import delete, func, insert, select, text, update

from ragloom.core.audit import GENESIS_HASH, canonical_details
from ragloom.core.errors import InvalidInput, NotFound
from ragloom.core.models import (
    HIDDEN_STATUSES,
    ApiKey,
    AuditRecord,
    Chat,
    ChatId,
    ChatMessage,
    DeliveryStatus,
    Document,
    DocumentId,
    DocumentStatus,
    EmbeddingSpaceRecord,
    Job,
    JobKind,
    Location,
    Modality,
    OutboxEntry,
    Reference,
    Tenant,
    TenantId,
    TenantStatus,
    TenantUsage,
    WebhookDelivery,
    WebhookEndpoint,
)

from .database import translated
from .tables import (
    api_keys,
    audit_records,
    chat_messages,
    chats,
    documents,
    embedding_spaces,
    outbox,
    tenants,
    webhook_deliveries,
    webhook_endpoints,
)

if TYPE_CHECKING:
    from .unit_of_work import SqlUnitOfWork

_DOCUMENT_EXISTS = "a document with this id or content already exists for the tenant"
_CHAIN_LOCK_SPACE = 0x72616175  # "raau": the first key of the per-chain advisory locks
_CHAIN_LOCK = text("SELECT pg_advisory_xact_lock(:space, hashtext(:chain))")


def _check_page(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise InvalidInput("limit and offset must not be negative")


def _usage_query(tenant: TenantId) -> Any:
    return select(func.count(), func.coalesce(func.sum(documents.c.size_bytes), 0)).where(
        documents.c.tenant_id == tenant
    )


def to_tenant(row: Mapping[str, Any]) -> Tenant:
    return Tenant(
        id=TenantId(row["id"]),
        name=row["name"],
        status=TenantStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        max_documents=row["max_documents"],
        max_bytes=row["max_bytes"],
        corpus_version=row["corpus_version"],
        embedding_space=row["embedding_space"],
        reindex_cursor=row["reindex_cursor"],
    )


def to_api_key(row: Mapping[str, Any]) -> ApiKey:
    return ApiKey(
        id=row["id"],
        tenant_id=TenantId(row["tenant_id"]),
        secret_hash=row["secret_hash"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


def to_document(row: Mapping[str, Any]) -> Document:
    return Document(
        id=DocumentId(row["id"]),
        tenant_id=TenantId(row["tenant_id"]),
        title=row["title"],
        filename=row["filename"],
        media_type=row["media_type"],
        size_bytes=row["size_bytes"],
        content_hash=row["content_hash"],
        blob_key=row["blob_key"],
        status=DocumentStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        error=row["error"],
        chunk_count=row["chunk_count"],
        attempts=row["attempts"],
        pii_entities=json.loads(row["pii_entities"] or "{}"),
        progress=float(row["progress"]),
        parent_id=None if row["parent_id"] is None else DocumentId(row["parent_id"]),
    )


def to_audit_record(row: Mapping[str, Any]) -> AuditRecord:
    return AuditRecord(
        chain=row["chain"],
        seq=row["seq"],
        time=row["time"],
        tenant_id=None if row["tenant_id"] is None else TenantId(row["tenant_id"]),
        actor=row["actor"],
        action=row["action"],
        target=row["target"],
        request_id=row["request_id"],
        details=json.loads(row["details"]),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
        signature=row["signature"],
        key_id=row["key_id"],
    )


class _Repository:
    def __init__(self, unit: SqlUnitOfWork) -> None:
        self._unit = unit

    async def _rows(self, statement: Any) -> Sequence[Mapping[str, Any]]:
        # A RowMapping's keys are the columns' names (str): it is typed Mapping[_KeyType, Any] for
        # being looked up by column objects too.
        with translated():
            rows = (await self._unit.connection.execute(statement)).mappings().all()
        return cast("Sequence[Mapping[str, Any]]", rows)

    async def _row(self, statement: Any) -> Mapping[str, Any] | None:
        with translated():
            row = (await self._unit.connection.execute(statement)).mappings().first()
        return cast("Mapping[str, Any] | None", row)

    async def _run(self, statement: Any, parameters: Any = None, *, conflict: str = "") -> Any:
        with translated(conflict or "the row already exists"):
            return await self._unit.connection.execute(statement, parameters)


class SqlTenants(_Repository):
    async def add(self, tenant: Tenant) -> Tenant:
        self._unit.scope.tenant_row(tenant.id)
        row = {
            "id": tenant.id,
            "name": tenant.name,
            "status": TenantStatus(tenant.status).value,
            "max_documents": tenant.max_documents,
            "max_bytes": tenant.max_bytes,
            "created_at": tenant.created_at,
            "updated_at": tenant.updated_at,
            "corpus_version": tenant.corpus_version,
            "embedding_space": tenant.embedding_space,
            "reindex_cursor": tenant.reindex_cursor,
        }
        await self._run(insert(tenants).values(row), conflict=f"tenant {tenant.id} already exists")
        return tenant

    async def get(self, tenant_id: TenantId, *, for_update: bool = False) -> Tenant:
        """`for_update`: SELECT ... FOR UPDATE on PostgreSQL; a writing unit on SQLite already holds
        the database's write lock."""
        self._unit.scope.tenant_row(tenant_id)
        query = select(tenants).where(tenants.c.id == tenant_id)
        if for_update and self._unit.connection.dialect.name == "postgresql":
            query = query.with_for_update()
        row = await self._row(query)
        if row is None:
            raise NotFound(f"tenant {tenant_id} not found")
        return to_tenant(row)

    async def list(self, *, limit: int = 100, offset: int = 0) -> Sequence[Tenant]:
        self._unit.scope.directory("listing tenants")
        _check_page(limit, offset)
        query = select(tenants).order_by(tenants.c.created_at, tenants.c.id).limit(limit).offset(offset)
        return [to_tenant(row) for row in await self._rows(query)]

    async def save(self, tenant: Tenant) -> Tenant:
        return await self._update(
            tenant.id,
            name=tenant.name,
            status=TenantStatus(tenant.status).value,
            max_documents=tenant.max_documents,
            max_bytes=tenant.max_bytes,
            embedding_space=tenant.embedding_space,
            reindex_cursor=tenant.reindex_cursor,
            updated_at=tenant.updated_at,
        )

    async def bump_corpus_version(self, tenant_id: TenantId) -> int:
        tenant = await self._update(tenant_id, corpus_version=tenants.c.corpus_version + 1)
        return tenant.corpus_version

    async def adopt_space(self, space: str) -> int:
        self._unit.scope.directory("adopting an embedding space")
        statement = update(tenants).where(tenants.c.embedding_space.is_(None)).values(embedding_space=space)
        return int((await self._run(statement)).rowcount or 0)

    async def _update(self, tenant_id: TenantId, **values: Any) -> Tenant:
        self._unit.scope.tenant_row(tenant_id)
        statement = (
            tenants.update()
            .where(tenants.c.id == tenant_id)
            .values(**{"updated_at": datetime.now(UTC), **values})
            .returning(*tenants.c)
        )
        row = await self._row(statement)
        if row is None:
            raise NotFound(f"tenant {tenant_id} not found")
        return to_tenant(row)


class SqlEmbeddingSpaces(_Repository):
    async def register(self, space: EmbeddingSpaceRecord) -> EmbeddingSpaceRecord:
        known = await self.get(space.name)
        if known is not None:
            return known
        row = {
            "name": space.name,
            "adapter": space.adapter,
            "settings": dict(space.settings),
            "dimension": space.dimension,
            "created_at": datetime.now(UTC),
        }
        await self._run(insert(embedding_spaces).values(row), conflict=f"space {space.name} already exists")
        return space

    async def get(self, name: str) -> EmbeddingSpaceRecord | None:
        self._unit.scope.directory("reading embedding spaces")
        row = await self._row(select(embedding_spaces).where(embedding_spaces.c.name == name))
        if row is None:
            return None
        return EmbeddingSpaceRecord(row["name"], row["adapter"], row["settings"], row["dimension"])

    async def in_use(self) -> Sequence[str]:
        self._unit.scope.directory("reading embedding spaces")
        column = tenants.c.embedding_space
        query = select(column).where(column.is_not(None)).distinct().order_by(column)
        return [row["embedding_space"] for row in await self._rows(query)]


class SqlOutbox(_Repository):
    async def add(self, entry: OutboxEntry) -> None:
        self._unit.scope.owner(entry.tenant_id)
        job = entry.job
        row = {
            "id": entry.id,
            "tenant_id": job.tenant_id,
            "kind": job.kind.value,
            "subject": job.subject,
            "lane": job.lane.value,
            "payload": dict(job.payload),
            "created_at": entry.created_at,
            "due_at": entry.due_at,
        }
        await self._run(insert(outbox).values(row), conflict=f"outbox entry {entry.id} already exists")

    async def due(self, *, now: datetime, limit: int = 500) -> Sequence[OutboxEntry]:
        """FOR UPDATE SKIP LOCKED on PostgreSQL; a writing unit on SQLite holds the write lock."""
        self._unit.scope.directory("relaying the outbox")
        query = (
            select(outbox).where(outbox.c.due_at <= now).order_by(outbox.c.due_at, outbox.c.id).limit(limit)
        )
        if self._unit.connection.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return [to_outbox_entry(row) for row in await self._rows(query)]

    async def remove(self, entry_ids: Collection[str]) -> None:
        if not entry_ids:
            return
        statement = delete(outbox).where(outbox.c.id.in_(list(entry_ids)))
        if not self._unit.scope.system:
            statement = statement.where(outbox.c.tenant_id == self._unit.scope.tenant)
        await self._run(statement)


def to_outbox_entry(row: Mapping[str, Any]) -> OutboxEntry:
    job = Job(
        JobKind(row["kind"]),
        TenantId(row["tenant_id"]),
        row["subject"],
        Modality(row["lane"]),
        row["payload"],
    )
    return OutboxEntry(row["id"], job, row["created_at"], row["due_at"])


def to_endpoint(row: Mapping[str, Any]) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=row["id"],
        tenant_id=TenantId(row["tenant_id"]),
        url=row["url"],
        event_types=tuple(row["event_types"]),
        secret=row["secret"],
        created_at=row["created_at"],
        enabled=bool(row["enabled"]),
        failures=row["failures"],
        disabled_reason=row["disabled_reason"],
    )


def to_delivery(row: Mapping[str, Any]) -> WebhookDelivery:
    return WebhookDelivery(
        id=row["id"],
        endpoint_id=row["endpoint_id"],
        tenant_id=TenantId(row["tenant_id"]),
        event_type=row["event_type"],
        body=row["body"],
        created_at=row["created_at"],
        status=DeliveryStatus(row["status"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_attempt_at=row["last_attempt_at"],
        response_status=row["response_status"],
        error=row["error"],
    )


class SqlWebhooks(_Repository):
    async def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        self._unit.scope.owner(endpoint.tenant_id)
        row = _endpoint_row(endpoint)
        await self._run(
            insert(webhook_endpoints).values(row), conflict=f"endpoint {endpoint.id} already exists"
        )

    async def get_endpoint(self, owner: TenantId, endpoint_id: str) -> WebhookEndpoint:
        self._unit.scope.owner(owner)
        row = await self._row(select(webhook_endpoints).where(*_endpoint_is(owner, endpoint_id)))
        if row is None:
            raise NotFound(f"webhook endpoint {endpoint_id[:80]!r} not found")
        return to_endpoint(row)

    async def list_endpoints(
        self, owner: TenantId, *, event_type: str | None = None
    ) -> Sequence[WebhookEndpoint]:
        self._unit.scope.owner(owner)
        query = (
            select(webhook_endpoints)
            .where(webhook_endpoints.c.tenant_id == owner)
            .order_by(webhook_endpoints.c.created_at, webhook_endpoints.c.id)
        )
        found = [to_endpoint(row) for row in await self._rows(query)]
        if event_type is None:
            return found
        return [e for e in found if e.enabled and event_type in e.event_types]

    async def save_endpoint(self, endpoint: WebhookEndpoint) -> None:
        self._unit.scope.owner(endpoint.tenant_id)
        row = _endpoint_row(endpoint)
        statement = (
            update(webhook_endpoints).where(*_endpoint_is(endpoint.tenant_id, endpoint.id)).values(row)
        )
        if (await self._run(statement)).rowcount == 0:
            raise NotFound(f"webhook endpoint {endpoint.id} not found")

    async def count_attempt(self, owner: TenantId, endpoint_id: str, *, delivered: bool) -> WebhookEndpoint:
        self._unit.scope.owner(owner)
        failures = 0 if delivered else webhook_endpoints.c.failures + 1
        statement = (
            update(webhook_endpoints)
            .where(*_endpoint_is(owner, endpoint_id))
            .values(failures=failures)
            .returning(*webhook_endpoints.c)
        )
        row = (await self._run(statement)).mappings().first()
        if row is None:
            raise NotFound(f"webhook endpoint {endpoint_id} not found")
        return to_endpoint(row)

    async def delete_endpoint(self, owner: TenantId, endpoint_id: str) -> None:
        self._unit.scope.owner(owner)
        gone = await self._run(delete(webhook_endpoints).where(*_endpoint_is(owner, endpoint_id)))
        if gone.rowcount == 0:
            raise NotFound(f"webhook endpoint {endpoint_id[:80]!r} not found")
        await self._run(
            delete(webhook_deliveries).where(
                webhook_deliveries.c.tenant_id == owner, webhook_deliveries.c.endpoint_id == endpoint_id
            )
        )

    async def add_delivery(self, delivery: WebhookDelivery) -> None:
        await self.get_endpoint(delivery.tenant_id, delivery.endpoint_id)
        await self._run(
            insert(webhook_deliveries).values(_delivery_row(delivery)),
            conflict=f"delivery {delivery.id} already exists",
        )

    async def get_delivery(self, owner: TenantId, delivery_id: str) -> WebhookDelivery:
        self._unit.scope.owner(owner)
        row = await self._row(select(webhook_deliveries).where(*_delivery_is(owner, delivery_id)))
        if row is None:
            raise NotFound(f"webhook delivery {delivery_id[:80]!r} not found")
        return to_delivery(row)

    async def save_delivery(self, delivery: WebhookDelivery) -> None:
        self._unit.scope.owner(delivery.tenant_id)
        statement = (
            update(webhook_deliveries)
            .where(*_delivery_is(delivery.tenant_id, delivery.id))
            .values(_delivery_row(delivery))
        )
        if (await self._run(statement)).rowcount == 0:
            raise NotFound(f"webhook delivery {delivery.id} not found")

    async def list_deliveries(
        self, owner: TenantId, endpoint_id: str, *, limit: int = 100, offset: int = 0
    ) -> Sequence[WebhookDelivery]:
        self._unit.scope.owner(owner)
        _check_page(limit, offset)
        query = (
            select(webhook_deliveries)
            .where(webhook_deliveries.c.tenant_id == owner, webhook_deliveries.c.endpoint_id == endpoint_id)
            .order_by(webhook_deliveries.c.created_at.desc(), webhook_deliveries.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [to_delivery(row) for row in await self._rows(query)]

    async def purge(self, owner: TenantId) -> int:
        self._unit.scope.owner(owner)
        deliveries = await self._run(
            delete(webhook_deliveries).where(webhook_deliveries.c.tenant_id == owner)
        )
        endpoints = await self._run(delete(webhook_endpoints).where(webhook_endpoints.c.tenant_id == owner))
        return int(deliveries.rowcount) + int(endpoints.rowcount)


def _endpoint_is(owner: TenantId, endpoint_id: str) -> tuple[Any, ...]:
    return webhook_endpoints.c.tenant_id == owner, webhook_endpoints.c.id == endpoint_id


def _delivery_is(owner: TenantId, delivery_id: str) -> tuple[Any, ...]:
    return webhook_deliveries.c.tenant_id == owner, webhook_deliveries.c.id == delivery_id


def _endpoint_row(endpoint: WebhookEndpoint) -> dict[str, Any]:
    row = {field.name: getattr(endpoint, field.name) for field in dataclasses.fields(endpoint)}
    return {**row, "event_types": list(endpoint.event_types)}


def _delivery_row(delivery: WebhookDelivery) -> dict[str, Any]:
    row = {field.name: getattr(delivery, field.name) for field in dataclasses.fields(delivery)}
    return {**row, "status": DeliveryStatus(delivery.status).value}


class SqlApiKeys(_Repository):
    async def add(self, key: ApiKey) -> ApiKey:
        self._unit.scope.tenant_data(key.tenant_id)
        row = {field.name: getattr(key, field.name) for field in dataclasses.fields(key)}
        await self._run(insert(api_keys).values(row), conflict="an API key with this id already exists")
        return key

    async def find(self, key_id: str) -> tuple[ApiKey, Tenant] | None:
        self._unit.scope.directory("finding an API key by id")
        query = (
            select(*api_keys.c, *(column.label(f"owner_{column.name}") for column in tenants.c))
            .join(tenants, tenants.c.id == api_keys.c.tenant_id)
            .where(api_keys.c.id == key_id)
        )
        row = await self._row(query)
        if row is None:
            return None
        tenant_row = {column.name: row[f"owner_{column.name}"] for column in tenants.c}
        return to_api_key(row), to_tenant(tenant_row)

    async def list(self, tenant: TenantId) -> Sequence[ApiKey]:
        self._unit.scope.tenant_data(tenant)
        query = (
            select(api_keys)
            .where(api_keys.c.tenant_id == tenant)
            .order_by(api_keys.c.created_at, api_keys.c.id)
        )
        return [to_api_key(row) for row in await self._rows(query)]

    async def revoke(self, tenant: TenantId, key_id: str) -> ApiKey:
        self._unit.scope.tenant_data(tenant)
        owned = (api_keys.c.tenant_id == tenant, api_keys.c.id == key_id)
        revoke = (
            api_keys.update()
            .where(*owned, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
            .returning(*api_keys.c)
        )
        row = await self._row(revoke)
        if row is None:  # already revoked (keep the first time) or not this tenant's
            row = await self._row(select(api_keys).where(*owned))
        if row is None:
            raise NotFound(f"API key {key_id} not found")
        return to_api_key(row)

    async def purge(self, tenant: TenantId) -> int:
        self._unit.scope.tenant_data(tenant)
        result = await self._run(api_keys.delete().where(api_keys.c.tenant_id == tenant))
        return int(result.rowcount)


def _document_row(document: Document) -> dict[str, Any]:
    row = {field.name: getattr(document, field.name) for field in dataclasses.fields(document)}
    row["tenant_id"] = document.tenant_id
    row["status"] = DocumentStatus(document.status).value
    row["pii_entities"] = json.dumps(dict(document.pii_entities), sort_keys=True)
    return row


class SqlDocuments(_Repository):
    async def add(self, document: Document) -> Document:
        self._unit.scope.tenant_data(document.tenant_id)
        await self._run(insert(documents).values(_document_row(document)), conflict=_DOCUMENT_EXISTS)
        return document

    async def get(self, tenant: TenantId, document_id: DocumentId, *, for_update: bool = False) -> Document:
        """`for_update`: SELECT ... FOR UPDATE on PostgreSQL; a writing unit on SQLite already holds
        the database's write lock."""
        self._unit.scope.tenant_data(tenant)
        query = select(documents).where(documents.c.tenant_id == tenant, documents.c.id == document_id)
        if for_update and self._unit.connection.dialect.name == "postgresql":
            query = query.with_for_update()
        row = await self._row(query)
        if row is None:
            raise NotFound(f"document {document_id} not found")
        return to_document(row)

    async def find_by_hash(self, tenant: TenantId, content_hash: str) -> Document | None:
        self._unit.scope.tenant_data(tenant)
        query = select(documents).where(
            documents.c.tenant_id == tenant, documents.c.content_hash == content_hash
        )
        row = await self._row(query)
        return None if row is None else to_document(row)

    async def list(
        self,
        tenant: TenantId,
        *,
        limit: int = 100,
        offset: int = 0,
        statuses: Collection[DocumentStatus] | None = None,
        parent_id: DocumentId | None = None,
    ) -> Sequence[Document]:
        self._unit.scope.tenant_data(tenant)
        _check_page(limit, offset)
        query = select(documents).where(documents.c.tenant_id == tenant)
        if statuses is not None:
            query = query.where(documents.c.status.in_([DocumentStatus(s).value for s in statuses]))
        if parent_id is not None:
            query = query.where(documents.c.parent_id == parent_id)
        query = (
            query.order_by(documents.c.created_at.desc(), documents.c.id.desc()).limit(limit).offset(offset)
        )
        return [to_document(row) for row in await self._rows(query)]

    async def ready(self, tenant: TenantId, document_ids: Collection[DocumentId]) -> set[DocumentId]:
        self._unit.scope.tenant_data(tenant)
        if not document_ids:
            return set()
        query = select(documents.c.id).where(
            documents.c.tenant_id == tenant,
            documents.c.id.in_(list(document_ids)),
            documents.c.status == DocumentStatus.READY.value,
        )
        return {DocumentId(row["id"]) for row in await self._rows(query)}

    async def unsearchable(self, tenant: TenantId) -> set[DocumentId]:
        self._unit.scope.tenant_data(tenant)
        status, attempts = documents.c.status, documents.c.attempts
        query = select(documents.c.id).where(
            documents.c.tenant_id == tenant,
            status.in_([s.value for s in HIDDEN_STATUSES])
            | ((status == DocumentStatus.QUEUED.value) & (attempts > 0)),
        )
        return {DocumentId(row["id"]) for row in await self._rows(query)}

    async def save(self, document: Document) -> Document:
        self._unit.scope.tenant_data(document.tenant_id)
        statement = (
            documents.update()
            .where(documents.c.tenant_id == document.tenant_id, documents.c.id == document.id)
            .values(
                status=document.status.value,
                error=document.error,
                chunk_count=document.chunk_count,
                attempts=document.attempts,
                pii_entities=json.dumps(dict(document.pii_entities), sort_keys=True),
                progress=document.progress,
                updated_at=document.updated_at,
            )
            .returning(*documents.c)
        )
        row = await self._row(statement)
        if row is None:
            raise NotFound(f"document {document.id} not found")
        return to_document(row)

    async def set_progress(self, tenant: TenantId, document_id: DocumentId, share: float) -> None:
        self._unit.scope.tenant_data(tenant)
        statement = (
            documents.update()
            .where(documents.c.tenant_id == tenant, documents.c.id == document_id)
            .values(progress=min(max(share, 0.0), 1.0))
        )
        if (await self._run(statement)).rowcount == 0:
            raise NotFound(f"document {document_id} not found")

    async def delete(self, tenant: TenantId, document_id: DocumentId) -> None:
        self._unit.scope.tenant_data(tenant)
        statement = documents.delete().where(documents.c.tenant_id == tenant, documents.c.id == document_id)
        if (await self._run(statement)).rowcount == 0:
            raise NotFound(f"document {document_id} not found")

    async def usage(self, tenant: TenantId) -> TenantUsage:
        self._unit.scope.tenant_data(tenant)
        with translated():
            count, total = (await self._unit.connection.execute(_usage_query(tenant))).one()
        return TenantUsage(documents=int(count), bytes=int(total))

    async def purge(self, tenant: TenantId) -> int:
        self._unit.scope.tenant_data(tenant)
        result = await self._run(documents.delete().where(documents.c.tenant_id == tenant))
        return int(result.rowcount)


def to_chat(row: Mapping[str, Any]) -> Chat:
    return Chat(
        id=ChatId(row["id"]),
        tenant_id=TenantId(row["tenant_id"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        message_count=row["message_count"],
    )


def to_chat_message(row: Mapping[str, Any]) -> ChatMessage:
    return ChatMessage(
        tenant_id=TenantId(row["tenant_id"]),
        chat_id=ChatId(row["chat_id"]),
        role=row["role"],
        content=row["content"],
        created_at=row["created_at"],
        seq=row["seq"],
        references=tuple(_reference(ref) for ref in json.loads(row["refs"])),
        model=row["model"],
        latency_ms=row["latency_ms"],
        cached=bool(row["cached"]),
        no_answer=bool(row["no_answer"]),
        finished=bool(row["finished"]),
        error=row["error"],
    )


def _message_row(message: ChatMessage) -> dict[str, Any]:
    return {
        "chat_id": message.chat_id,
        "seq": message.seq,
        "tenant_id": message.tenant_id,
        "role": message.role,
        "content": message.content,
        "created_at": message.created_at,
        "refs": json.dumps([_reference_json(ref) for ref in message.references]),
        "model": message.model,
        "latency_ms": message.latency_ms,
        "cached": int(message.cached),
        "no_answer": int(message.no_answer),
        "finished": int(message.finished),
        "error": message.error,
    }


def _reference_json(reference: Reference) -> dict[str, Any]:
    """A reference as the `refs` column keeps it: flat, its location's keys (but boxes, which a
    reference has none of) beside the others."""
    place = {key: value for key, value in reference.location.to_dict().items() if key != "boxes"}
    return {
        "marker": reference.marker,
        "document_id": reference.document_id,
        "chunk": reference.chunk,
        "score": reference.score,
        **place,
        "media_type": reference.media_type,
    }


def _reference(data: Mapping[str, Any]) -> Reference:
    return Reference(
        marker=data["marker"],
        document_id=DocumentId(data["document_id"]),
        chunk=data["chunk"],
        score=data["score"],
        location=Location.from_dict(data),
        media_type=data.get("media_type"),
    )


class SqlChats(_Repository):
    async def add(self, chat: Chat) -> Chat:
        self._unit.scope.tenant_data(chat.tenant_id)
        row = {
            "id": chat.id,
            "tenant_id": chat.tenant_id,
            "message_count": chat.message_count,
            "created_at": chat.created_at,
            "updated_at": chat.updated_at,
        }
        await self._run(insert(chats).values(row), conflict="a chat with this id already exists")
        return chat

    async def get(self, tenant: TenantId, chat_id: ChatId, *, for_update: bool = False) -> Chat:
        self._unit.scope.tenant_data(tenant)
        query = select(chats).where(chats.c.tenant_id == tenant, chats.c.id == chat_id)
        if for_update and self._unit.connection.dialect.name == "postgresql":
            query = query.with_for_update()
        row = await self._row(query)
        if row is None:
            raise NotFound(f"chat {chat_id} not found")
        return to_chat(row)

    async def list(self, tenant: TenantId, *, limit: int = 100, offset: int = 0) -> Sequence[Chat]:
        self._unit.scope.tenant_data(tenant)
        _check_page(limit, offset)
        query = (
            select(chats)
            .where(chats.c.tenant_id == tenant)
            .order_by(chats.c.created_at.desc(), chats.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [to_chat(row) for row in await self._rows(query)]

    async def save(self, chat: Chat, appended: Sequence[ChatMessage] = ()) -> Chat:
        self._unit.scope.tenant_data(chat.tenant_id)
        statement = (
            update(chats)
            .where(chats.c.tenant_id == chat.tenant_id, chats.c.id == chat.id)
            .values(message_count=chat.message_count, updated_at=chat.updated_at)
            .returning(*chats.c)
        )
        row = await self._row(statement)
        if row is None:
            raise NotFound(f"chat {chat.id} not found")
        if appended:
            await self._run(insert(chat_messages), [_message_row(m) for m in appended])
        return to_chat(row)

    async def messages(
        self, tenant: TenantId, chat_id: ChatId, *, limit: int = 100, offset: int = 0
    ) -> Sequence[ChatMessage]:
        await self.get(tenant, chat_id)
        _check_page(limit, offset)
        query = (
            select(chat_messages)
            .where(chat_messages.c.tenant_id == tenant, chat_messages.c.chat_id == chat_id)
            .order_by(chat_messages.c.seq)
            .limit(limit)
            .offset(offset)
        )
        return [to_chat_message(row) for row in await self._rows(query)]

    async def last_messages(self, tenant: TenantId, chat_id: ChatId, count: int) -> Sequence[ChatMessage]:
        chat = await self.get(tenant, chat_id)
        if count <= 0:
            return []
        query = (
            select(chat_messages)
            .where(
                chat_messages.c.tenant_id == tenant,
                chat_messages.c.chat_id == chat_id,
                chat_messages.c.seq > chat.message_count - count,
            )
            .order_by(chat_messages.c.seq)
        )
        return [to_chat_message(row) for row in await self._rows(query)]

    async def delete(self, tenant: TenantId, chat_id: ChatId) -> None:
        await self.get(tenant, chat_id)
        await self._run(
            delete(chat_messages).where(
                chat_messages.c.tenant_id == tenant, chat_messages.c.chat_id == chat_id
            )
        )
        await self._run(delete(chats).where(chats.c.tenant_id == tenant, chats.c.id == chat_id))

    async def purge(self, tenant: TenantId) -> int:
        self._unit.scope.tenant_data(tenant)
        await self._run(delete(chat_messages).where(chat_messages.c.tenant_id == tenant))
        result = await self._run(delete(chats).where(chats.c.tenant_id == tenant))
        return int(result.rowcount)


class SqlAuditRecords(_Repository):
    """Triggers make the table append-only (migration 0002); this repository never updates or deletes.
    `head` takes a per-chain advisory lock on PostgreSQL; on SQLite the writing unit of work already
    holds the database's one write lock."""

    async def head(self, chain: str) -> tuple[int, str]:
        self._unit.scope.chain(chain)
        if self._unit.connection.dialect.name == "postgresql":
            await self._run(_CHAIN_LOCK, {"space": _CHAIN_LOCK_SPACE, "chain": chain})
        query = (
            select(audit_records.c.seq, audit_records.c.hash)
            .where(audit_records.c.chain == chain)
            .order_by(audit_records.c.seq.desc())
            .limit(1)
        )
        row = await self._row(query)
        return (0, GENESIS_HASH) if row is None else (int(row["seq"]), str(row["hash"]))

    async def add(self, record: AuditRecord) -> None:
        self._unit.scope.chain(record.chain)
        row = {field.name: getattr(record, field.name) for field in dataclasses.fields(record)}
        row["details"] = canonical_details(record.details)
        await self._run(insert(audit_records).values(row), conflict=f"audit chain {record.chain!r} moved on")

    async def chains(self) -> Sequence[str]:
        self._unit.scope.directory("listing audit chains")
        query = select(audit_records.c.chain).distinct().order_by(audit_records.c.chain)
        return [str(row["chain"]) for row in await self._rows(query)]

    async def read(self, chain: str, *, after_seq: int = 0, limit: int = 1000) -> Sequence[AuditRecord]:
        self._unit.scope.chain(chain)
        if after_seq < 0 or limit < 0:
            raise InvalidInput("after_seq and limit must not be negative")
        query = (
            select(audit_records)
            .where(audit_records.c.chain == chain, audit_records.c.seq > after_seq)
            .order_by(audit_records.c.seq)
            .limit(limit)
        )
        return [to_audit_record(row) for row in await self._rows(query)]
