"""Domain values -> JSON-ready dicts."""

from __future__ import annotations

from typing import Any

from ragloom.core.models import (
    AnswerDone,
    ApiKey,
    AuditRecord,
    Chat,
    ChatMessage,
    Citation,
    Document,
    Reference,
    Tenant,
    TenantUsage,
)


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
        "progress": round(document.progress, 3),
        "parent_id": document.parent_id,
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
        "media_type": citation.media_type,
        "track": citation.track,
        "frame": citation.frame,
        "boxes": [list(box) for box in citation.boxes],
        "text": citation.text,
    }


def done_json(done: AnswerDone) -> dict[str, Any]:
    """The `done` event: the whole answer, its citations, whether the documents hold no answer,
    and the chat it was added to (null without one)."""
    return {
        "answer": done.answer,
        "citations": [citation_json(c) for c in done.citations],
        "no_answer": done.no_answer,
        "chat_id": done.chat_id,
        "cached": done.cached,
    }


def chat_json(chat: Chat) -> dict[str, Any]:
    return {
        "id": chat.id,
        "created_at": chat.created_at.isoformat(),
        "updated_at": chat.updated_at.isoformat(),
        "message_count": chat.message_count,
    }


def reference_json(reference: Reference) -> dict[str, Any]:
    return {
        "marker": reference.marker,
        "document_id": reference.document_id,
        "chunk": reference.chunk,
        "score": round(reference.score, 6),
        "page": reference.page,
        "start_seconds": reference.start_seconds,
        "end_seconds": reference.end_seconds,
        "media_type": reference.media_type,
        "track": reference.track,
        "frame": reference.frame,
    }


def message_json(message: ChatMessage) -> dict[str, Any]:
    body: dict[str, Any] = {
        "seq": message.seq,
        "role": message.role,
        "content": message.content,
        "created_at": message.created_at.isoformat(),
    }
    if message.role == "assistant":
        body |= {
            "references": [reference_json(r) for r in message.references],
            "model": message.model,
            "latency_ms": message.latency_ms,
            "cached": message.cached,
            "no_answer": message.no_answer,
            "finished": message.finished,
            "error": message.error,
        }
    return body


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
