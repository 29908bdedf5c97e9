"""The OpenAPI 3.1 document of ragloom's HTTP API (a test checks it against the app's routes)."""

from __future__ import annotations

from typing import Any

from ragloom.core.models import DocumentStatus


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            }
        },
    },
    "Document": {
        "type": "object",
        "required": ["id", "title", "filename", "media_type", "size_bytes", "status", "chunk_count"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "title": {"type": "string"},
            "filename": {"type": "string"},
            "media_type": {"type": "string"},
            "size_bytes": {"type": "integer"},
            "content_hash": {"type": "string", "description": "SHA-256 of the bytes"},
            "status": {"type": "string", "enum": [s.value for s in DocumentStatus]},
            "error": {"type": ["string", "null"], "description": "why ingestion failed"},
            "chunk_count": {"type": "integer"},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
        },
    },
    "DocumentList": {
        "type": "object",
        "required": ["documents"],
        "properties": {
            "documents": {"type": "array", "items": _ref("Document")},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
        },
    },
    "Query": {
        "type": "object",
        "required": ["question"],
        "properties": {
            "question": {"type": "string", "minLength": 1},
            "history": {
                "type": "array",
                "description": "earlier turns; the last 10 are used",
                "items": {
                    "type": "object",
                    "required": ["role", "content"],
                    "properties": {
                        "role": {"type": "string", "enum": ["user", "assistant"]},
                        "content": {"type": "string"},
                    },
                },
            },
        },
    },
    "Citation": {
        "type": "object",
        "properties": {
            "marker": {"type": "integer", "description": "the [n] in the answer"},
            "document_id": {"type": "string"},
            "title": {"type": "string"},
            "source": {"type": "string"},
            "chunk": {"type": "integer"},
            "score": {"type": "number"},
            "page": {"type": ["integer", "null"]},
            "start_seconds": {"type": ["number", "null"]},
            "text": {"type": "string"},
        },
    },
}

_DOCUMENT_ID = {"name": "document_id", "in": "path", "required": True, "schema": {"type": "string"}}
_PAGING = [
    {
        "name": "limit",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
    },
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
]

PATHS: dict[str, Any] = {
    "/v1/documents": {
        "post": {
            "summary": "Upload a document; ingestion is queued",
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {
                                "file": {"type": "string", "contentMediaType": "application/octet-stream"}
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": _json(_ref("Document"), "the same bytes were uploaded before: the existing document"),
                "201": _json(_ref("Document"), "created and queued"),
                "400": _error("empty file or malformed multipart body"),
                "413": _error("over the maximum upload size"),
                "415": _error("unsupported media type"),
                "503": _error("a backing service is unavailable"),
            },
        },
        "get": {
            "summary": "List documents, newest first",
            "parameters": _PAGING,
            "responses": {"200": _json(_ref("DocumentList"), "documents"), "400": _error("bad paging")},
        },
    },
    "/v1/documents/{document_id}": {
        "get": {
            "summary": "A document and its ingestion status",
            "parameters": [_DOCUMENT_ID],
            "responses": {"200": _json(_ref("Document"), "the document"), "404": _error("unknown document")},
        },
        "delete": {
            "summary": "Delete a document with its vectors and original",
            "parameters": [_DOCUMENT_ID],
            "responses": {"204": {"description": "deleted"}, "404": _error("unknown document")},
        },
    },
    "/v1/query": {
        "post": {
            "summary": "Ask a question; the answer streams as Server-Sent Events",
            "description": "Events: `delta` {text}, then `done` {answer, citations}; `error` on failure.",
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Query")}}},
            "responses": {
                "200": {
                    "description": "the answer stream",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}},
                },
                "400": _error("missing, empty or too long question, or malformed JSON"),
            },
        }
    },
    "/healthz": {"get": {"summary": "Liveness", "responses": {"200": {"description": "alive"}}}},
    "/readyz": {
        "get": {
            "summary": "Readiness: every backing service answers",
            "responses": {"200": {"description": "ready"}, "503": {"description": "a dependency is down"}},
        }
    },
    "/openapi.json": {
        "get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}
    },
}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "ragloom", "version": "0.1.0", "description": "Multi-tenant RAG service"},
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
