"""The ports table: each Port's Protocol, whether a deployment must configure it, and whether it
takes one adapter or a list. Configuration, the registry and the container all read it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ragloom.core import ports

from .spec import Port


@dataclass(frozen=True)
class PortInfo:
    protocol: type
    required: bool
    multiple: bool = False


PORTS: Mapping[Port, PortInfo] = {
    Port.BLOB_STORE: PortInfo(ports.BlobStore, required=True),
    Port.METADATA_STORE: PortInfo(ports.MetadataStore, required=True),
    Port.AUDIT_SIGNER: PortInfo(ports.AuditSigner, required=True),
    Port.VECTOR_INDEX: PortInfo(ports.VectorIndex, required=True),
    Port.TEXT_EMBEDDER: PortInfo(ports.TextEmbedder, required=True),
    Port.IMAGE_EMBEDDER: PortInfo(ports.ImageEmbedder, required=False),
    Port.SPARSE_ENCODER: PortInfo(ports.SparseEncoder, required=False),
    Port.RERANKER: PortInfo(ports.Reranker, required=False),
    Port.MEDIA_EXTRACTOR: PortInfo(ports.MediaExtractor, required=True, multiple=True),
    Port.SPEECH_TO_TEXT: PortInfo(ports.SpeechToText, required=False),
    Port.TEXT_RECOGNIZER: PortInfo(ports.TextRecognizer, required=False),
    Port.PII_SCRUBBER: PortInfo(ports.PiiScrubber, required=False),
    Port.CHAT_MODEL: PortInfo(ports.ChatModel, required=True),
    Port.QUERY_REWRITER: PortInfo(ports.QueryRewriter, required=False),
    Port.SEMANTIC_CACHE: PortInfo(ports.SemanticCache, required=False),
    Port.JOB_QUEUE: PortInfo(ports.JobBroker, required=True),
    Port.WEBHOOK_SENDER: PortInfo(ports.WebhookSender, required=True),
}

REQUIRED_PORTS = tuple(port for port, info in PORTS.items() if info.required)


def missing_members(port: Port, adapter: object) -> list[str]:
    """The methods and attributes of the port's Protocol that `adapter` lacks."""
    protocol = PORTS[port].protocol
    wanted = [
        name for name in vars(protocol) if not name.startswith("_") or name in ("__aenter__", "__aexit__")
    ]
    wanted += list(getattr(protocol, "__annotations__", {}))
    return sorted({name for name in wanted if not hasattr(adapter, name)})
