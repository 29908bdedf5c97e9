"""The bodies of ragloom's HTTP API as pydantic models: requests are parsed with them, responses
serialised with them, and /openapi.json is generated from them (see openapi.py), so the three
cannot disagree. Response models read the domain's values by attribute (`from_attributes`)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema, model_validator
from starlette.responses import JSONResponse

from ragloom.core.models import (
    SYSTEM_WEBHOOK_EVENTS,
    TENANT_WEBHOOK_EVENTS,
    DeliveryStatus,
    DocumentStatus,
    TenantStatus,
)

Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda value: value.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Score = Annotated[float, PlainSerializer(lambda value: round(value, 6), return_type=float)]
Count = Annotated[int, Field(ge=0, le=2**63 - 1)]


class Response(BaseModel):
    """A response body, read from a domain value's attributes."""

    model_config = ConfigDict(from_attributes=True, json_schema_serialization_defaults_required=True)


def shown(model: type[BaseModel], value: object, status_code: int = 200, **headers: str) -> JSONResponse:
    """`value` (a domain value, or a mapping) as the JSON body `model` describes."""
    return JSONResponse(model.model_validate(value).model_dump(mode="json"), status_code, headers or None)


class Request(BaseModel):
    """A request body: JSON types as sent (no coercion of "5" into 5); unknown fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")


# -- errors ------------------------------------------------------------------------------------


class ErrorDetail(Response):
    code: str
    message: str


class Error(Response):
    error: ErrorDetail


class OpenAIErrorDetail(Response):
    message: str
    type: str
    param: str | None = None
    code: str


class OpenAIError(Response):
    """Errors of the OpenAI-compatible routes, in OpenAI's shape."""

    error: OpenAIErrorDetail


# -- documents ---------------------------------------------------------------------------------


class Document(Response):
    id: str = Field(json_schema_extra={"format": "uuid"})
    title: str
    filename: str
    media_type: str
    size_bytes: int
    content_hash: str = Field(description="SHA-256 of the bytes")
    status: DocumentStatus
    error: str | None = Field(description="why ingestion failed")
    chunk_count: int
    pii_entities: dict[str, int] = Field(description="values masked before indexing, per entity type")
    progress: Annotated[float, PlainSerializer(lambda value: round(value, 3), return_type=float)] = Field(
        ge=0, le=1, description="share of ingestion done while it runs; 1 once ready"
    )
    parent_id: str | None = Field(description="for an e-mail's attachment, the message it came in")
    created_at: Timestamp
    updated_at: Timestamp


class DocumentList(Response):
    documents: list[Document]
    limit: int
    offset: int


class Usage(Response):
    documents: int
    bytes: int


class Limits(Response):
    max_documents: int | None
    max_bytes: int | None


class CurrentTenant(Response):
    id: str
    name: str
    status: TenantStatus
    corpus_version: int = Field(description="bumped whenever the searchable documents change")
    usage: Usage
    limits: Limits


class Upload(Request):
    """The multipart form of an upload: the file, under the field name `file`."""

    file: Annotated[bytes, WithJsonSchema({"type": "string", "contentMediaType": "application/octet-stream"})]


class SignedLink(Response):
    url: str
    expires_at: int = Field(description="Unix time")


# -- answers -----------------------------------------------------------------------------------


def flattened(value: Any) -> Any:
    """A domain value's fields, with those of a nested location lifted beside the others."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    fields = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    location = fields.pop("location", None)
    if location is not None:
        fields |= {field.name: getattr(location, field.name) for field in dataclasses.fields(location)}
    return fields


Box = Annotated[list[int], Field(min_length=4, max_length=4)]


class Place(Response):
    """Where a passage sits in its original: a page, or seconds of a recording or video."""

    page: int | None = None
    start_seconds: float | None = Field(default=None, description="where a recording says it")
    end_seconds: float | None = None
    media_type: str | None = Field(default=None, description="the cited document's media type")
    track: str | None = Field(default=None, description="in a video: speech or frame")
    frame: int | None = Field(default=None, description="in a video: the keyframe shown")

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, value: Any) -> Any:
        return flattened(value)


class Reference(Place):
    marker: int
    document_id: str
    chunk: int
    score: Score


class Citation(Place):
    marker: int = Field(description="the [n] in the answer")
    document_id: str
    title: str
    source: str
    chunk: int
    score: Score
    boxes: list[Box] = Field(
        default_factory=list,
        description="in a picture or keyframe: [left, top, right, bottom] of each line read",
    )
    text: str


class Passage(Place):
    """A passage `search` found: its rank and score, and where it is."""

    rank: int
    score: Score
    document_id: str
    title: str
    source: str
    chunk: int
    text: str


class Done(Response):
    """The data of the answer stream's last event, `done`."""

    answer: str
    citations: list[Citation]
    no_answer: bool = Field(description="the documents do not answer the question (and the answer says so)")
    chat_id: str | None
    cached: bool = Field(
        description="answered from the tenant's semantic cache (same meaning, corpus, pipeline)"
    )


class Delta(Response):
    """The data of a `delta` event: the next piece of the answer."""

    text: str


class Turn(Request):
    role: Literal["user", "assistant"]
    content: str


class Query(Request):
    question: str
    chat_id: str | None = Field(
        default=None,
        description="continue this chat: its last messages are the context, and the question and "
        "answer are added to it (not with `history`)",
    )
    history: list[Turn] | None = Field(
        default=None, description="earlier turns, for clients that keep the dialogue; the last 10 are used"
    )


# -- chats -------------------------------------------------------------------------------------


class Chat(Response):
    id: str
    created_at: Timestamp
    updated_at: Timestamp
    message_count: int


class ChatList(Response):
    chats: list[Chat]
    limit: int
    offset: int


class UserMessage(Response):
    seq: int
    role: Literal["user"]
    content: str
    created_at: Timestamp


class AssistantMessage(Response):
    seq: int
    role: Literal["assistant"]
    content: str
    created_at: Timestamp
    references: list[Reference] = Field(description="what the answer cited")
    model: str | None
    latency_ms: int | None
    cached: bool
    no_answer: bool
    finished: bool = Field(description="false: the stream broke off (see error)")
    error: str | None


ChatMessage = Annotated[UserMessage | AssistantMessage, Field(discriminator="role")]


class ChatMessages(Response):
    chat_id: str
    messages: list[ChatMessage]
    limit: int
    offset: int


def chat_message(message: Any) -> UserMessage | AssistantMessage:
    """A stored message as the API shows it: an answer with what it cited, a question without."""
    kind = AssistantMessage if message.role == "assistant" else UserMessage
    return kind.model_validate(message)


# -- tenants and keys --------------------------------------------------------------------------


class TenantCreate(Request):
    name: str = Field(min_length=1, max_length=200)
    max_documents: Count | None = Field(default=None, description="0 = unlimited")
    max_bytes: Count | None = Field(default=None, description="0 = unlimited")


class TenantLimits(Request):
    """The tenant's own quotas; a field sent as null goes back to the configured default."""

    model_config = ConfigDict(strict=True, extra="forbid")

    max_documents: Count | None = None
    max_bytes: Count | None = None


class Tenant(Response):
    id: str
    name: str
    status: TenantStatus
    max_documents: int | None
    max_bytes: int | None
    created_at: Timestamp
    updated_at: Timestamp


class TenantList(Response):
    tenants: list[Tenant]
    limit: int
    offset: int


class ApiKey(Response):
    id: str
    created_at: Timestamp
    revoked_at: Timestamp | None


class IssuedKey(ApiKey):
    api_key: str = Field(description="shown once: rlk_<id>.<secret>")


class TenantDetail(Tenant):
    keys: list[ApiKey]
    usage: Usage


class TenantCreated(Tenant):
    api_key: str = Field(description="shown once: rlk_<id>.<secret>")
    key_id: str


class DeletionReceipt(Response):
    tenant_id: str
    status: Literal["deleted"]
    removed: dict[str, int] = Field(description="what this call removed, per store")


class ReindexQueued(Response):
    tenant_id: str
    queued: bool


# -- audit -------------------------------------------------------------------------------------


class AuditRecord(Response):
    chain: str
    seq: int
    time: Annotated[
        datetime,
        PlainSerializer(lambda value: value.isoformat(timespec="microseconds"), return_type=str),
        WithJsonSchema({"type": "string", "format": "date-time"}),
    ]
    tenant_id: str | None
    actor: str
    action: str
    target: str
    request_id: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str
    signature: str
    key_id: str


class AuditVerification(Response):
    """Every audit chain walked: hashes, links and signatures (`ragloom audit verify`, without anchors)."""

    ok: bool
    chains: int
    records: int = Field(description="records found intact")
    problems: list[str] = Field(description="per broken chain: its first bad record and why")


# -- webhooks ----------------------------------------------------------------------------------


class WebhookEndpoint(Response):
    id: str
    url: str
    event_types: list[str]
    enabled: bool
    failures: int = Field(description="failed attempts since the last delivered one")
    disabled_reason: str | None
    created_at: Timestamp


class WebhookEndpointWithSecret(WebhookEndpoint):
    secret: str = Field(description="`whsec_` and base64 (Standard Webhooks); shown only when made")


class WebhookList(Response):
    webhooks: list[WebhookEndpoint]


class WebhookDelivery(Response):
    id: str = Field(description="the webhook-id header of its attempts")
    event_type: str
    status: DeliveryStatus
    attempts: int
    created_at: Timestamp
    last_attempt_at: Timestamp | None
    next_attempt_at: Timestamp | None
    response_status: int | None
    error: str | None


class WebhookDeliveries(Response):
    deliveries: list[WebhookDelivery]
    limit: int
    offset: int


class _WebhookCreate(Request):
    model_config = ConfigDict(strict=True, extra="forbid")

    url: str = Field(max_length=2048, description="http(s), a public address")


class TenantWebhookCreate(_WebhookCreate):
    event_types: list[Literal[TENANT_WEBHOOK_EVENTS]] = Field(min_length=1)  # type: ignore[valid-type]


class OperatorWebhookCreate(_WebhookCreate):
    event_types: list[Literal[SYSTEM_WEBHOOK_EVENTS]] = Field(min_length=1)  # type: ignore[valid-type]


# -- the OpenAI-compatible routes --------------------------------------------------------------


class ContentPart(Request):
    model_config = ConfigDict(strict=True, extra="allow")

    type: str
    text: str | None = None


class OpenAIMessage(Request):
    role: Literal["system", "developer", "user", "assistant"]
    content: str | list[ContentPart]


class StreamOptions(Request):
    include_usage: bool = False


class ChatCompletionRequest(Request):
    model: str = Field(default="ragloom", description="a pipeline (GET /v1/models)")
    messages: list[OpenAIMessage] = Field(
        min_length=1,
        description="the last is the user's question; earlier user and assistant messages are the "
        "dialogue; system and developer messages are ignored",
    )
    stream: bool = False
    stream_options: StreamOptions | None = None
    chat_id: str | None = Field(
        default=None, description="continue this stored chat (extra_body in the SDKs)"
    )
    user: str | None = Field(default=None, description="`chat:<id>` continues that chat")


class RagloomExtension(Response):
    """What ragloom adds to OpenAI's shapes: the citations and whether the documents answer."""

    citations: list[Citation]
    no_answer: bool


class RagloomReply(RagloomExtension):
    chat_id: str | None
    cached: bool


class ReplyMessage(RagloomExtension):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(Response):
    index: int
    message: ReplyMessage
    finish_reason: str


class TokenUsage(Response):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(Response):
    """OpenAI's chat.completion; the message also carries `citations` and `no_answer`, and
    `ragloom` has both with the `chat_id`."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: TokenUsage
    ragloom: RagloomReply


class ChunkChoice(Response):
    index: int
    delta: dict[str, Any] = Field(
        description="the next piece: role, content, and on the last, ragloom's fields"
    )
    finish_reason: str | None


class ChatCompletionChunk(Response):
    """One chunk of a streamed completion; the last carries `ragloom`, and with
    `stream_options.include_usage` one more has no choices and the usage."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: TokenUsage | None = None
    ragloom: RagloomReply | None = None


class ModelCard(Response):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "ragloom"


class ModelList(Response):
    object: Literal["list"] = "list"
    data: list[ModelCard]
