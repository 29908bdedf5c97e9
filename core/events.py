"""Domain events: what happened, published by the use cases inside a unit of work.

Handlers registered in the composition root do the cross-cutting work (the audit record, the corpus
version, later cache invalidation and metrics), so a use case states the fact once. `action` is the
event's stable name (it is also the audit record's action); `target` and `audit_details()` are what
the audit trail keeps: identifiers, hashes and counts, never personal data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from .models import Caller, ChatId, DocumentId, TenantId


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainEvent:
    action: ClassVar[str]
    corpus_changed: ClassVar[bool] = False  # the tenant's searchable corpus changed

    tenant_id: TenantId | None
    caller: Caller

    @property
    def target(self) -> str:
        return self.tenant_id or "system"

    def audit_details(self) -> Mapping[str, object]:
        return {}


@dataclass(frozen=True, slots=True, kw_only=True)
class _DocumentEvent(DomainEvent):
    document_id: DocumentId

    @property
    def target(self) -> str:
        return self.document_id


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentUploaded(_DocumentEvent):
    action = "document.upload"
    media_type: str
    size_bytes: int
    content_sha256: str
    attached_to: DocumentId | None = None  # the message it came in, for an e-mail's attachment

    def audit_details(self) -> Mapping[str, object]:
        details: dict[str, object] = {
            "media_type": self.media_type,
            "size_bytes": self.size_bytes,
            "content_sha256": self.content_sha256,
        }
        if self.attached_to is not None:
            details["attached_to"] = self.attached_to
        return details


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentIndexed(_DocumentEvent):
    action = "document.ready"
    corpus_changed = True
    chunks: int

    def audit_details(self) -> Mapping[str, object]:
        return {"chunks": self.chunks}


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentFailed(_DocumentEvent):
    """The reason stays on the document row; the audit keeps only that it failed."""

    action = "document.failed"
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentDeleted(_DocumentEvent):
    action = "document.delete"
    corpus_changed = True


@dataclass(frozen=True, slots=True, kw_only=True)
class TenantCreated(DomainEvent):
    action = "tenant.create"
    key_id: str

    def audit_details(self) -> Mapping[str, object]:
        return {"key_id": self.key_id}


@dataclass(frozen=True, slots=True, kw_only=True)
class TenantSuspended(DomainEvent):
    action = "tenant.suspend"
    previous: str

    def audit_details(self) -> Mapping[str, object]:
        return {"from": self.previous}


@dataclass(frozen=True, slots=True, kw_only=True)
class TenantResumed(DomainEvent):
    action = "tenant.resume"
    previous: str

    def audit_details(self) -> Mapping[str, object]:
        return {"from": self.previous}


@dataclass(frozen=True, slots=True, kw_only=True)
class TenantReindexed(DomainEvent):
    """The tenant's searches moved to another embedding space, every point re-embedded into it."""

    action = "tenant.reindex"
    corpus_changed = True
    previous: str
    space: str
    points: int

    def audit_details(self) -> Mapping[str, object]:
        return {"from": self.previous, "to": self.space, "points": self.points}


@dataclass(frozen=True, slots=True, kw_only=True)
class TenantLimitsChanged(DomainEvent):
    action = "tenant.limits"
    max_documents: int | None
    max_bytes: int | None

    def audit_details(self) -> Mapping[str, object]:
        return {"max_documents": self.max_documents, "max_bytes": self.max_bytes}


@dataclass(frozen=True, slots=True, kw_only=True)
class TenantDeleted(DomainEvent):
    action = "tenant.delete"
    corpus_changed = True
    receipt: Mapping[str, int]

    def audit_details(self) -> Mapping[str, object]:
        return dict(self.receipt)


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiKeyIssued(DomainEvent):
    action = "key.issue"
    key_id: str

    @property
    def target(self) -> str:
        return self.key_id


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiKeyRevoked(DomainEvent):
    action = "key.revoke"
    key_id: str

    @property
    def target(self) -> str:
        return self.key_id


@dataclass(frozen=True, slots=True, kw_only=True)
class _Refusal(DomainEvent):
    """Refusals are aggregated: `count` of them from one `source` (a keyed digest of the client
    address, never the address) over `window_seconds`."""

    source: str
    count: int = 1
    window_seconds: int = 0

    def _counted(self, details: Mapping[str, object]) -> Mapping[str, object]:
        return {**details, "source": self.source, "count": self.count, "window_seconds": self.window_seconds}


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthenticationFailed(_Refusal):
    """Requests that presented no key, or one that matches no active key (system chain)."""

    action = "auth.fail"
    reason: str

    @property
    def target(self) -> str:
        return "api_key"

    def audit_details(self) -> Mapping[str, object]:
        return self._counted({"reason": self.reason})


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessDenied(_Refusal):
    """Requests with a valid key of a tenant that is not active."""

    action = "auth.denied"
    key_id: str
    status: str

    @property
    def target(self) -> str:
        return self.key_id

    def audit_details(self) -> Mapping[str, object]:
        return self._counted({"status": self.status})


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminAuthenticationFailed(_Refusal):
    action = "admin.auth_fail"
    reason: str

    @property
    def target(self) -> str:
        return "admin"

    def audit_details(self) -> Mapping[str, object]:
        return self._counted({"reason": self.reason})


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatStarted(DomainEvent):
    action = "chat.create"
    chat_id: ChatId

    @property
    def target(self) -> str:
        return self.chat_id


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatDeleted(DomainEvent):
    action = "chat.delete"
    chat_id: ChatId
    messages: int

    @property
    def target(self) -> str:
        return self.chat_id

    def audit_details(self) -> Mapping[str, object]:
        return {"messages": self.messages}


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionAnswered(DomainEvent):
    action = "query.answer"
    question_digest: str
    answer_chars: int
    cited_documents: Sequence[str] = field(default_factory=tuple)
    no_answer: bool = False
    chat_id: ChatId | None = None

    @property
    def target(self) -> str:
        return "query"

    def audit_details(self) -> Mapping[str, object]:
        return {
            "question_hmac": self.question_digest,
            "answer_chars": self.answer_chars,
            "no_answer": self.no_answer,
            "chat_id": self.chat_id,
            "cited_documents": sorted(set(self.cited_documents)),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionUnfinished(DomainEvent):
    action = "query.unfinished"
    question_digest: str
    reason: str

    @property
    def target(self) -> str:
        return "query"

    def audit_details(self) -> Mapping[str, object]:
        return {"question_hmac": self.question_digest, "reason": self.reason}


@dataclass(frozen=True, slots=True, kw_only=True)
class _WebhookEvent(DomainEvent):
    endpoint_id: str

    @property
    def target(self) -> str:
        return self.endpoint_id


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookCreated(_WebhookEvent):
    """The URL stays on the endpoint's row; the audit keeps which events it asked for."""

    action = "webhook.create"
    event_types: tuple[str, ...]

    def audit_details(self) -> Mapping[str, object]:
        return {"event_types": list(self.event_types)}


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookSecretRotated(_WebhookEvent):
    action = "webhook.rotate_secret"


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookEnabled(_WebhookEvent):
    action = "webhook.enable"


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookDisabled(_WebhookEvent):
    """After too many failed attempts in a row."""

    action = "webhook.disable"
    failures: int

    def audit_details(self) -> Mapping[str, object]:
        return {"failures": self.failures}


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookDeleted(_WebhookEvent):
    action = "webhook.delete"
