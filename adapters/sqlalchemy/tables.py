"""Table definitions: persistence is mapped here, outside the domain (rows become core.models values)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

metadata = MetaData()


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp stored in UTC (naive input is taken as UTC).

    SQLite keeps no zone, so UTC is put back on read; PostgreSQL uses `timestamptz`.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


documents = Table(
    "documents",
    metadata,
    Column("id", String(36), nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("filename", Text, nullable=False),
    Column("media_type", String(255), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("blob_key", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("error", Text, nullable=True),
    Column("chunk_count", Integer, nullable=False, server_default="0"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("pii_entities", Text, nullable=False, server_default="{}"),
    Column("progress", Float, nullable=False, server_default="0"),
    Column("parent_id", String(36), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("id", name="pk_documents"),
    UniqueConstraint("tenant_id", "content_hash", name="uq_documents_tenant_hash"),
    Index("ix_documents_tenant_created", "tenant_id", "created_at", "id"),
    Index("ix_documents_tenant_status", "tenant_id", "status"),
    Index("ix_documents_tenant_parent", "tenant_id", "parent_id"),
)


tenants = Table(
    "tenants",
    metadata,
    Column("id", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("max_documents", BigInteger, nullable=True),
    Column("max_bytes", BigInteger, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("corpus_version", BigInteger, nullable=False, server_default="0"),
    Column("embedding_space", String(64), nullable=True),
    Column("reindex_cursor", Text, nullable=True),
    PrimaryKeyConstraint("id", name="pk_tenants"),
)

embedding_spaces = Table(
    "embedding_spaces",
    metadata,
    Column("name", String(64), nullable=False),
    Column("adapter", String(128), nullable=False),
    Column("settings", JSON, nullable=False),
    Column("dimension", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("name", name="pk_embedding_spaces"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", String(36), nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("subject", String(128), nullable=False),
    Column("lane", String(16), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("id", name="pk_outbox"),
    Index("ix_outbox_due", "due_at"),
)

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", String(40), nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("url", Text, nullable=False),
    Column("event_types", JSON, nullable=False),
    Column("secret", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("failures", Integer, nullable=False),
    Column("disabled_reason", Text, nullable=True),
    PrimaryKeyConstraint("id", name="pk_webhook_endpoints"),
    Index("ix_webhook_endpoints_tenant", "tenant_id"),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(40), nullable=False),
    Column("endpoint_id", String(40), nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("event_type", String(32), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("last_attempt_at", UtcDateTime, nullable=True),
    Column("response_status", Integer, nullable=True),
    Column("error", Text, nullable=True),
    PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
    Index("ix_webhook_deliveries_endpoint", "endpoint_id", "created_at"),
    Index("ix_webhook_deliveries_tenant", "tenant_id"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("secret_hash", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    PrimaryKeyConstraint("id", name="pk_api_keys"),
    Index("ix_api_keys_tenant_id", "tenant_id"),
)

chats = Table(
    "chats",
    metadata,
    Column("id", String(36), nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("message_count", Integer, nullable=False, server_default="0"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("id", name="pk_chats"),
    Index("ix_chats_tenant_created", "tenant_id", "created_at", "id"),
)

chat_messages = Table(
    "chat_messages",
    metadata,
    Column("chat_id", String(36), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("content", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("refs", Text, nullable=False, server_default="[]"),  # JSON list of references
    Column("model", Text, nullable=True),
    Column("latency_ms", Integer, nullable=True),
    Column("cached", Integer, nullable=False, server_default="0"),
    Column("no_answer", Integer, nullable=False, server_default="0"),
    Column("finished", Integer, nullable=False, server_default="1"),
    Column("error", Text, nullable=True),
    PrimaryKeyConstraint("chat_id", "seq", name="pk_chat_messages"),
    Index("ix_chat_messages_tenant", "tenant_id"),
)

# Append-only: triggers refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL), see migration 0002.
audit_records = Table(
    "audit_records",
    metadata,
    Column("chain", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("time", UtcDateTime, nullable=False),
    Column("tenant_id", String(64), nullable=True),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("request_id", Text, nullable=True),
    Column("details", Text, nullable=False),  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("signature", Text, nullable=False),
    Column("key_id", String(16), nullable=False),
    PrimaryKeyConstraint("chain", "seq", name="pk_audit_records"),
)
