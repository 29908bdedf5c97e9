"""Domain values -> JSON-ready dicts."""

from __future__ import annotations

from typing import Any

from ragloom.core.models import Citation, Document


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
        "text": citation.text,
    }
