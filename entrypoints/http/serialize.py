"""Domain values -> JSON-ready dicts."""

from __future__ import annotations

from typing import Any

from ragloom.core.models import ApiKey, AuditRecord, Citation, Document, Tenant, TenantUsage


def document_json(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "title": document.title,
        "filename": document.filename,
        "media_type": document.media_type,
        "size_bytes": document.size_bytes,
        "content_hash": document.content_hash,
        "status": document.status.value,
        "error": document.error,
        "chunk_count": document.chunk_count,
        "pii_entities": dict(document.pii_entities),
        "created_at": document.created_at.isoformat(),
        "updated_at": document.updated_at.isoformat(),
    }


def citation_json(citation: Citation) -> dict[str, Any]:
    return {
        "marker": citation.marker,
        "document_id": citation.document_id,
        "title": citation.title,
        "source": citation.source,
        "chunk": citation.chunk,
        "score": round(citation.score, 6),
        "page": citation.page,
        "start_seconds": citation.start_seconds,
        "end_seconds": citation.end_seconds,
        "text": citation.text,
    }


def tenant_json(tenant: Tenant) -> dict[str, Any]:
    return {
        "id": tenant.id,
        "name": tenant.name,
        "status": tenant.status.value,
        "max_documents": tenant.max_documents,
        "max_bytes": tenant.max_bytes,
        "created_at": tenant.created_at.isoformat(),
        "updated_at": tenant.updated_at.isoformat(),
    }


def usage_json(usage: TenantUsage) -> dict[str, Any]:
    return {"documents": usage.documents, "bytes": usage.bytes}


def key_json(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "created_at": key.created_at.isoformat(),
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


def audit_json(record: AuditRecord) -> dict[str, Any]:
    return {
        "chain": record.chain,
        "seq": record.seq,
        "time": record.time.isoformat(timespec="microseconds"),
        "tenant_id": record.tenant_id,
        "actor": record.actor,
        "action": record.action,
        "target": record.target,
        "request_id": record.request_id,
        "details": dict(record.details),
        "prev_hash": record.prev_hash,
        "hash": record.hash,
        "signature": record.signature,
        "key_id": record.key_id,
    }
