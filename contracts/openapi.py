"""The OpenAPI 3.1 document of ragloom's HTTP API (a test checks it against the app's routes)."""

from __future__ import annotations

from typing import Any

from ragloom.core.models import SYSTEM_WEBHOOK_EVENTS, TENANT_WEBHOOK_EVENTS, DocumentStatus, TenantStatus


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


def _sse_event(events: list[str] | None = None) -> dict[str, Any]:
    """One Server-Sent Event (the per-event schema of a `text/event-stream` response): its name
    (`event`, default `message`), its JSON `data`, and the `id` of a resumable stream."""
    name: dict[str, Any] = {"type": "string"} if events is None else {"type": "string", "enum": events}
    return {
        "schema": {
            "type": "object",
            "required": ["data"],
            "properties": {
                "event": name,
                "data": {"type": "string", "contentMediaType": "application/json"},
                "id": {"type": "string"},
                "retry": {"type": "integer"},
            },
        }
    }


SCHEMAS: dict[str, Any] = {
    "OpenAIError": {
        "type": "object",
        "description": "errors of the OpenAI-compatible routes, in OpenAI's shape",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["message", "type", "code"],
                "properties": {
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                    "param": {"type": ["string", "null"]},
                    "code": {"type": "string"},
                },
            }
        },
    },
    "ChatCompletionRequest": {
        "type": "object",
        "required": ["messages"],
        "properties": {
            "model": {"type": "string", "default": "ragloom", "description": "a pipeline (GET /v1/models)"},
            "messages": {
                "type": "array",
                "minItems": 1,
                "description": "the last is the user's question; earlier user and assistant "
                "messages are the dialogue; system and developer messages are ignored",
                "items": {
                    "type": "object",
                    "required": ["role", "content"],
                    "properties": {
                        "role": {"type": "string", "enum": ["system", "developer", "user", "assistant"]},
                        "content": {
                            "oneOf": [
                                {"type": "string"},
                                {"type": "array", "items": {"type": "object"}},
                            ]
                        },
                    },
                },
            },
            "stream": {"type": "boolean"},
            "stream_options": {"type": "object", "properties": {"include_usage": {"type": "boolean"}}},
            "chat_id": {
                "type": "string",
                "description": "continue this stored chat (extra_body in the SDKs)",
            },
            "user": {"type": "string", "description": "`chat:<id>` continues that chat"},
        },
    },
    "ChatCompletion": {
        "type": "object",
        "description": "OpenAI's chat.completion; the message also carries `citations` and "
        "`no_answer`, and `ragloom` has both with the `chat_id`",
        "required": ["id", "object", "created", "model", "choices", "usage"],
        "properties": {
            "id": {"type": "string"},
            "object": {"type": "string", "enum": ["chat.completion"]},
            "created": {"type": "integer"},
            "model": {"type": "string"},
            "choices": {"type": "array", "items": {"type": "object"}},
            "usage": {"type": "object"},
            "ragloom": {"type": "object"},
        },
    },
    "ModelList": {
        "type": "object",
        "required": ["object", "data"],
        "properties": {
            "object": {"type": "string", "enum": ["list"]},
            "data": {"type": "array", "items": {"type": "object"}},
        },
    },
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
            "pii_entities": {
                "type": "object",
                "additionalProperties": {"type": "integer"},
                "description": "values masked before indexing, per entity type",
            },
            "progress": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "description": "share of ingestion done while it runs; 1 once ready",
            },
            "parent_id": {
                "type": ["string", "null"],
                "format": "uuid",
                "description": "for an e-mail's attachment, the message it came in",
            },
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
            "chat_id": {
                "type": "string",
                "description": "continue this chat: its last messages are the context, and the "
                "question and answer are added to it (not with `history`)",
            },
            "history": {
                "type": "array",
                "description": "earlier turns, for clients that keep the dialogue; the last 10 are used",
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
    "Done": {
        "type": "object",
        "description": "the data of the stream's last event, `done`",
        "required": ["answer", "citations", "no_answer", "chat_id"],
        "properties": {
            "answer": {"type": "string"},
            "citations": {"type": "array", "items": _ref("Citation")},
            "no_answer": {
                "type": "boolean",
                "description": "the documents do not answer the question (and the answer says so)",
            },
            "chat_id": {"type": ["string", "null"]},
            "cached": {
                "type": "boolean",
                "description": "answered from the tenant's semantic cache (same meaning, corpus, pipeline)",
            },
        },
    },
    "Chat": {
        "type": "object",
        "required": ["id", "created_at"],
        "properties": {
            "id": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "message_count": {"type": "integer"},
        },
    },
    "ChatList": {
        "type": "object",
        "required": ["chats"],
        "properties": {
            "chats": {"type": "array", "items": _ref("Chat")},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
        },
    },
    "ChatMessage": {
        "type": "object",
        "required": ["seq", "role", "content"],
        "properties": {
            "seq": {"type": "integer"},
            "role": {"type": "string", "enum": ["user", "assistant"]},
            "content": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
            "references": {
                "type": "array",
                "description": "what the answer cited (assistant turns)",
                "items": {"type": "object"},
            },
            "model": {"type": ["string", "null"]},
            "latency_ms": {"type": ["integer", "null"]},
            "cached": {"type": "boolean"},
            "no_answer": {"type": "boolean"},
            "finished": {"type": "boolean", "description": "false: the stream broke off (see error)"},
            "error": {"type": ["string", "null"]},
        },
    },
    "ChatMessages": {
        "type": "object",
        "required": ["chat_id", "messages"],
        "properties": {
            "chat_id": {"type": "string"},
            "messages": {"type": "array", "items": _ref("ChatMessage")},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
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
            "start_seconds": {"type": ["number", "null"], "description": "where a recording says it"},
            "end_seconds": {"type": ["number", "null"]},
            "media_type": {"type": ["string", "null"], "description": "the cited document's media type"},
            "track": {"type": ["string", "null"], "description": "in a video: speech or frame"},
            "frame": {"type": ["integer", "null"], "description": "in a video: the keyframe shown"},
            "boxes": {
                "type": "array",
                "items": {"type": "array", "items": {"type": "integer"}, "minItems": 4, "maxItems": 4},
                "description": "in a picture or keyframe: [left, top, right, bottom] of each line read",
            },
            "text": {"type": "string"},
        },
    },
}

SCHEMAS.update(
    {
        "TenantCreate": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 200},
                "max_documents": {
                    "type": ["integer", "null"],
                    "minimum": 0,
                    "maximum": 2**63 - 1,
                    "description": "0 = unlimited",
                },
                "max_bytes": {
                    "type": ["integer", "null"],
                    "minimum": 0,
                    "maximum": 2**63 - 1,
                    "description": "0 = unlimited",
                },
            },
        },
        "Tenant": {
            "type": "object",
            "required": ["id", "name", "status"],
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "status": {"type": "string", "enum": [s.value for s in TenantStatus]},
                "max_documents": {"type": ["integer", "null"]},
                "max_bytes": {"type": ["integer", "null"]},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
                "keys": {"type": "array", "items": {"$ref": "#/components/schemas/ApiKey"}},
                "usage": {
                    "type": "object",
                    "properties": {"documents": {"type": "integer"}, "bytes": {"type": "integer"}},
                },
            },
        },
        "TenantCreated": {
            "allOf": [
                {"$ref": "#/components/schemas/Tenant"},
                {
                    "type": "object",
                    "required": ["api_key", "key_id"],
                    "properties": {
                        "api_key": {"type": "string", "description": "shown once: rlk_<id>.<secret>"},
                        "key_id": {"type": "string"},
                    },
                },
            ]
        },
        "TenantList": {
            "type": "object",
            "required": ["tenants"],
            "properties": {"tenants": {"type": "array", "items": {"$ref": "#/components/schemas/Tenant"}}},
        },
        "ApiKey": {
            "type": "object",
            "required": ["id", "created_at"],
            "properties": {
                "id": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
                "revoked_at": {"type": ["string", "null"], "format": "date-time"},
                "api_key": {"type": "string", "description": "only when issued, shown once"},
            },
        },
        "DeletionReceipt": {
            "type": "object",
            "required": ["tenant_id", "status", "removed"],
            "properties": {
                "tenant_id": {"type": "string"},
                "status": {"const": "deleted"},
                "removed": {
                    "type": "object",
                    "description": "what this call removed, per store",
                    "additionalProperties": {"type": "integer"},
                },
            },
        },
    }
)

BEARER: list[dict[str, list[str]]] = [{"apiKey": []}]
BASIC: list[dict[str, list[str]]] = [{"admin": []}]
_UNAUTHENTICATED = _error("no valid API key")
_ADMIN_401 = _error("no valid administrator credentials")
_TENANT_ID = {"name": "tenant_id", "in": "path", "required": True, "schema": {"type": "string"}}
_KEY_ID = {"name": "key_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _admin(summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "summary": summary,
        "security": BASIC,
        "responses": {**responses, "401": _ADMIN_401},
        **extra,
    }


_DOCUMENT_ID = {"name": "document_id", "in": "path", "required": True, "schema": {"type": "string"}}
_CHAT_ID = {"name": "chat_id", "in": "path", "required": True, "schema": {"type": "string"}}
_PAGING = [
    {
        "name": "limit",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
    },
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
]

_REINDEX_QUEUED = {
    "type": "object",
    "required": ["tenant_id", "queued"],
    "properties": {"tenant_id": {"type": "string"}, "queued": {"type": "boolean"}},
}

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
                "429": _error("the tenant's document or storage quota would be exceeded"),
                "503": _error("a backing service is unavailable"),
            },
        },
        "get": {
            "summary": "List documents, newest first",
            "parameters": [
                *_PAGING,
                {
                    "name": "parent_id",
                    "in": "query",
                    "required": False,
                    "description": "only the attachments of this e-mail",
                    "schema": {"type": "string", "format": "uuid"},
                },
            ],
            "responses": {
                "200": _json(_ref("DocumentList"), "documents"),
                "400": _error("bad paging"),
                "404": _error("unknown parent document"),
            },
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
            "description": "Events: `delta` {text}, then `done` (schema Done); `error` {error: {code, "
            "message}} if it fails midway, after which the partial answer is stored as unfinished.",
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Query")}}},
            "responses": {
                "200": {
                    "description": "the answer stream",
                    "content": {"text/event-stream": _sse_event(["delta", "done", "error"])},
                },
                "400": _error("missing, empty or too long question, malformed JSON, or chat_id with history"),
                "404": _error("unknown chat_id"),
            },
        }
    },
    "/v1/chat/completions": {
        "post": {
            "summary": "OpenAI-compatible chat completion over the tenant's documents, cited",
            "description": "Streamed (`stream: true`) as OpenAI's chunks ending with `data: [DONE]`; the "
            "last chunk's delta carries `citations` and `no_answer`.",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("ChatCompletionRequest")}},
            },
            "responses": {
                "200": {
                    "description": "the completion, or its stream",
                    "content": {
                        "application/json": {"schema": _ref("ChatCompletion")},
                        "text/event-stream": _sse_event(["message"]),  # OpenAI's chunks, then [DONE]
                    },
                },
                "400": _json(_ref("OpenAIError"), "malformed messages or body"),
                "404": _json(_ref("OpenAIError"), "unknown model or chat"),
            },
        }
    },
    "/v1/models": {
        "get": {
            "summary": "OpenAI-compatible list of pipelines, usable as `model`",
            "responses": {"200": _json(_ref("ModelList"), "the pipelines")},
        }
    },
    "/v1/chats": {
        "post": {
            "summary": "Start a chat",
            "responses": {"201": _json(_ref("Chat"), "the new chat")},
        },
        "get": {
            "summary": "List chats, newest first",
            "parameters": _PAGING,
            "responses": {"200": _json(_ref("ChatList"), "chats"), "400": _error("bad paging")},
        },
    },
    "/v1/chats/{chat_id}": {
        "delete": {
            "summary": "Delete a chat and its messages",
            "parameters": [_CHAT_ID],
            "responses": {"204": {"description": "deleted"}, "404": _error("unknown chat")},
        },
    },
    "/v1/chats/{chat_id}/messages": {
        "get": {
            "summary": "A chat's messages, oldest first, with what each answer cited",
            "parameters": [_CHAT_ID, *_PAGING],
            "responses": {
                "200": _json(_ref("ChatMessages"), "messages"),
                "400": _error("bad paging"),
                "404": _error("unknown chat"),
            },
        }
    },
    "/v1/audit": {
        "get": {
            "summary": "The caller's own audit chain as JSON lines",
            "parameters": [
                {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "default": 10000},
                },
            ],
            "responses": {
                "200": {
                    "description": "records in seq order",
                    "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
                },
                "400": _error("bad paging"),
            },
        }
    },
    "/v1/events": {
        "get": {
            "summary": "What happens to the caller's documents and chats, as Server-Sent Events",
            "description": "Durable events (document.upload, document.ready, document.failed, "
            "document.delete, chat.create, chat.delete) carry their audit sequence number as the "
            "event id; reconnect with Last-Event-ID to resume. document.progress events (no id) "
            "report ingestion as it runs. The stream ends after http.events_max_seconds.",
            "parameters": [
                {
                    "name": "after",
                    "in": "query",
                    "description": "resume after this event id (the Last-Event-ID header wins)",
                    "schema": {"type": "integer", "minimum": 0, "default": 0},
                },
                {
                    "name": "since",
                    "in": "query",
                    "description": "now: only events from now on (no history)",
                    "schema": {"type": "string", "enum": ["now"]},
                },
                {
                    "name": "Last-Event-ID",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "pattern": "^[0-9]+$"},
                },
            ],
            "responses": {
                "200": {
                    "description": "an event stream",
                    "content": {"text/event-stream": _sse_event()},
                },
                "400": _error("a bad event id"),
            },
        }
    },
    "/v1/documents/{document_id}/original": {
        "get": {
            "summary": "A time-limited link to the uploaded bytes (307 to it; the body repeats it)",
            "parameters": [_DOCUMENT_ID],
            "responses": {
                "307": _json(
                    {
                        "type": "object",
                        "required": ["url", "expires_at"],
                        "properties": {
                            "url": {"type": "string"},
                            "expires_at": {"type": "integer", "description": "Unix time"},
                        },
                    },
                    "the link; Location carries it too",
                ),
                "404": _error("unknown document"),
            },
        }
    },
    "/v1/documents/{document_id}/frames/{frame}": {
        "get": {
            "summary": "The JPEG thumbnail of a video's keyframe (a citation's `frame`)",
            "parameters": [
                _DOCUMENT_ID,
                {"name": "frame", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {
                    "description": "the thumbnail",
                    "content": {"image/jpeg": {"schema": {"type": "string"}}},
                },
                "404": _error("unknown document, or a frame it does not have"),
            },
        }
    },
    "/files/{tenant}/{key}": {
        "get": {
            "summary": "The bytes a signed link names (no key needed; the signature is the credential)",
            "security": [],
            "parameters": [
                {"name": "tenant", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "expires", "in": "query", "required": True, "schema": {"type": "integer"}},
                {"name": "type", "in": "query", "required": True, "schema": {"type": "string"}},
                {"name": "name", "in": "query", "required": True, "schema": {"type": "string"}},
                {"name": "signature", "in": "query", "required": True, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {
                    "description": "the bytes",
                    "content": {"application/octet-stream": {"schema": {"type": "string"}}},
                },
                "403": _error("the signature is wrong or the link expired"),
                "404": _error("no such file, or not a link"),
            },
        }
    },
    "/v1/tenant": {
        "get": {
            "summary": "The caller's tenant: status, usage and the limits that apply",
            "responses": {
                "200": {
                    "description": "the tenant",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["id", "status", "usage", "limits"],
                                "properties": {
                                    "id": {"type": "string"},
                                    "name": {"type": "string"},
                                    "status": {"type": "string"},
                                    "corpus_version": {
                                        "type": "integer",
                                        "description": "bumped whenever the searchable documents change",
                                    },
                                    "usage": {"type": "object"},
                                    "limits": {"type": "object"},
                                },
                            }
                        }
                    },
                }
            },
        }
    },
    "/auth/verify": {
        "get": {
            "summary": "ForwardAuth: 200 with X-Tenant-Id for a valid API key",
            "security": BEARER,
            "responses": {
                "200": {"description": "valid key; the tenant is in X-Tenant-Id"},
                "401": _UNAUTHENTICATED,
                "403": _error("the tenant is suspended"),
            },
        }
    },
    "/admin/tenants": {
        "post": _admin(
            "Onboard a tenant; its first API key is shown once",
            {"201": _json(_ref("TenantCreated"), "created"), "400": _error("bad name or limits")},
            requestBody={"required": True, "content": {"application/json": {"schema": _ref("TenantCreate")}}},
        ),
        "get": _admin(
            "List tenants, oldest first",
            {"200": _json(_ref("TenantList"), "tenants"), "400": _error("bad paging")},
            parameters=_PAGING,
        ),
    },
    "/admin/tenants/{tenant_id}": {
        "get": _admin(
            "A tenant, its keys and usage",
            {"200": _json(_ref("Tenant"), "the tenant"), "404": _error("unknown tenant")},
            parameters=[_TENANT_ID],
        ),
        "patch": _admin(
            "Change the tenant's own quotas (null: the configured default)",
            {
                "200": _json(_ref("Tenant"), "the tenant"),
                "400": _error("bad limits"),
                "404": _error("unknown tenant"),
                "409": _error("deleted"),
            },
            parameters=[_TENANT_ID],
            requestBody={
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "max_documents": {"type": ["integer", "null"], "minimum": 0},
                                "max_bytes": {"type": ["integer", "null"], "minimum": 0},
                            },
                        }
                    }
                },
            },
        ),
        "delete": _admin(
            "Retire a tenant: purge vectors, originals, rows and cache (the audit trail stays)",
            {"200": _json(_ref("DeletionReceipt"), "the receipt"), "404": _error("unknown tenant")},
            parameters=[_TENANT_ID],
        ),
    },
    "/admin/tenants/{tenant_id}/suspend": {
        "post": _admin(
            "Suspend: the tenant's keys answer 403",
            {
                "200": _json(_ref("Tenant"), "suspended"),
                "404": _error("unknown tenant"),
                "409": _error("deleted"),
            },
            parameters=[_TENANT_ID],
        )
    },
    "/admin/tenants/{tenant_id}/resume": {
        "post": _admin(
            "Resume a suspended tenant",
            {
                "200": _json(_ref("Tenant"), "active"),
                "404": _error("unknown tenant"),
                "409": _error("deleted"),
            },
            parameters=[_TENANT_ID],
        )
    },
    "/admin/tenants/{tenant_id}/keys": {
        "post": _admin(
            "Issue an API key (shown once)",
            {
                "201": _json(_ref("ApiKey"), "issued"),
                "404": _error("unknown tenant"),
                "409": _error("deleted"),
            },
            parameters=[_TENANT_ID],
        )
    },
    "/admin/tenants/{tenant_id}/reindex": {
        "post": _admin(
            "Queue the tenant's move into the configured embedding space (a job a worker runs)",
            {
                "202": _json(
                    _REINDEX_QUEUED,
                    "queued",
                ),
                "200": _json(
                    _REINDEX_QUEUED,
                    "nothing to do: the tenant already searches the configured space",
                ),
                "404": _error("unknown tenant"),
            },
            parameters=[_TENANT_ID],
        )
    },
    "/admin/tenants/{tenant_id}/keys/{key_id}": {
        "delete": _admin(
            "Revoke an API key",
            {"200": _json(_ref("ApiKey"), "revoked"), "404": _error("unknown tenant or key")},
            parameters=[_TENANT_ID, _KEY_ID],
        )
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
    "/metrics": {
        "get": {
            "summary": "Prometheus metrics of this process (not routed by the gateway)",
            "responses": {
                "200": {"description": "Prometheus text format", "content": {"text/plain": {}}},
                "404": {"description": "metrics are turned off (telemetry.metrics: false)"},
            },
        }
    },
}


_ENDPOINT_ID = {"name": "endpoint_id", "in": "path", "required": True, "schema": {"type": "string"}}
SCHEMAS["WebhookEndpoint"] = {
    "type": "object",
    "required": ["id", "url", "event_types", "enabled", "failures", "created_at"],
    "properties": {
        "id": {"type": "string"},
        "url": {"type": "string"},
        "event_types": {"type": "array", "items": {"type": "string"}},
        "enabled": {"type": "boolean"},
        "failures": {"type": "integer", "description": "failed attempts since the last delivered one"},
        "disabled_reason": {"type": ["string", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "secret": {
            "type": "string",
            "description": "`whsec_` and base64 (Standard Webhooks); only in the answer that made it",
        },
    },
}
SCHEMAS["WebhookList"] = {
    "type": "object",
    "required": ["webhooks"],
    "properties": {"webhooks": {"type": "array", "items": _ref("WebhookEndpoint")}},
}
SCHEMAS["WebhookDeliveries"] = {
    "type": "object",
    "required": ["deliveries", "limit", "offset"],
    "properties": {
        "deliveries": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "event_type", "status", "attempts", "created_at"],
                "properties": {
                    "id": {"type": "string", "description": "the webhook-id header of its attempts"},
                    "event_type": {"type": "string"},
                    "status": {"type": "string", "enum": ["pending", "delivered", "failed"]},
                    "attempts": {"type": "integer"},
                    "created_at": {"type": "string", "format": "date-time"},
                    "last_attempt_at": {"type": ["string", "null"], "format": "date-time"},
                    "next_attempt_at": {"type": ["string", "null"], "format": "date-time"},
                    "response_status": {"type": ["integer", "null"]},
                    "error": {"type": ["string", "null"]},
                },
            },
        },
        "limit": {"type": "integer"},
        "offset": {"type": "integer"},
    },
}


def _webhook_paths(base: str, events: tuple[str, ...], whose: str, secured: Any) -> dict[str, Any]:
    """The webhook routes of one owner (a tenant's key, or the administrator)."""
    unknown = _error("unknown endpoint")
    create_body = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["url", "event_types"],
                    "additionalProperties": False,
                    "properties": {
                        "url": {
                            "type": "string",
                            "maxLength": 2048,
                            "description": "http(s), a public address",
                        },
                        "event_types": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": "string", "enum": list(events)},
                        },
                    },
                }
            }
        },
    }
    one = base + "/{endpoint_id}"
    return {
        base: {
            "post": secured(
                f"Register a webhook endpoint for {whose} events; its secret is shown once",
                {
                    "201": _json(_ref("WebhookEndpoint"), "the endpoint, with its secret"),
                    "400": _error("bad body or URL"),
                    "429": _error("too many endpoints"),
                },
                requestBody=create_body,
            ),
            "get": secured("List webhook endpoints", {"200": _json(_ref("WebhookList"), "endpoints")}),
        },
        one: {
            "get": secured(
                "A webhook endpoint",
                {"200": _json(_ref("WebhookEndpoint"), "the endpoint"), "404": unknown},
                parameters=[_ENDPOINT_ID],
            ),
            "delete": secured(
                "Delete a webhook endpoint and its delivery log",
                {"204": {"description": "deleted"}, "404": unknown},
                parameters=[_ENDPOINT_ID],
            ),
        },
        one + "/rotate-secret": {
            "post": secured(
                "A new secret (shown once); attempts from now on are signed with it",
                {"200": _json(_ref("WebhookEndpoint"), "the endpoint, with its new secret"), "404": unknown},
                parameters=[_ENDPOINT_ID],
            )
        },
        one + "/enable": {
            "post": secured(
                "Deliver to an endpoint disabled after repeated failures again",
                {"200": _json(_ref("WebhookEndpoint"), "the endpoint"), "404": unknown},
                parameters=[_ENDPOINT_ID],
            )
        },
        one + "/deliveries": {
            "get": secured(
                "The endpoint's delivery log, newest first",
                {
                    "200": _json(_ref("WebhookDeliveries"), "deliveries"),
                    "400": _error("bad paging"),
                    "404": unknown,
                },
                parameters=[_ENDPOINT_ID, *_PAGING],
            )
        },
    }


def _tenant_operation(summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "responses": responses, **extra}


PATHS.update(_webhook_paths("/v1/webhooks", TENANT_WEBHOOK_EVENTS, "the tenant's", _tenant_operation))
PATHS.update(_webhook_paths("/admin/webhooks", SYSTEM_WEBHOOK_EVENTS, "tenant", _admin))


for _path, _operations in PATHS.items():
    if _path.startswith("/v1/"):
        _shape = _ref("OpenAIError") if _path in ("/v1/chat/completions", "/v1/models") else _ref("Error")
        for _operation in _operations.values():
            _operation["security"] = BEARER
            _operation["responses"]["401"] = _json(_shape, "no valid API key")
            _operation["responses"]["403"] = _json(_shape, "the tenant is suspended")
for _operations in PATHS.values():
    for _operation in _operations.values():
        if "401" in _operation["responses"]:  # whoever fails to log in too often waits
            _operation["responses"].setdefault(
                "429", _json(_ref("Error"), "too many failed logins from this client: wait and retry")
            )


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "ragloom", "version": "0.1.0", "description": "Multi-tenant RAG service"},
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "apiKey": {"type": "http", "scheme": "bearer", "description": "a tenant's API key"},
                "admin": {"type": "http", "scheme": "basic", "description": "the administrator"},
            },
        },
    }
