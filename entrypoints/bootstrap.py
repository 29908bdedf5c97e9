"""The composition root: select adapters from the config, then build the DI container from those only."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from dependency_injector import containers, providers
from pydantic import BaseModel

from ragloom.contracts.errors import ConfigError
from ragloom.contracts.ports import PORTS, missing_members
from ragloom.contracts.registry import PluginRegistry
from ragloom.contracts.spec import AdapterFactory, AdapterSpec, Port
from ragloom.core.chunking import ChunkingPolicy
from ragloom.core.events import DomainEvent
from ragloom.core.models import (
    JobKind,
    Modality,
    Quotas,
)
from ragloom.core.ports import AuditSigner, HealthCheck, ImageEmbedder, JobBroker, TextEmbedder, VectorIndex
from ragloom.core.services.answer import AnswerPolicy, AnswerService
from ragloom.core.services.audit import AuditRecorder, AuditTrail
from ragloom.core.services.batching import CoalescingEmbedder
from ragloom.core.services.chats import ChatService
from ragloom.core.services.corpus import bump_corpus_version
from ragloom.core.services.documents import DocumentService
from ragloom.core.services.ingest import IngestService, retrying_runner
from ragloom.core.services.janitor import Janitor
from ragloom.core.services.jobs import JobDispatcher
from ragloom.core.services.outbox import OutboxRelay
from ragloom.core.services.refusals import RefusalLedger
from ragloom.core.services.reindex import Reindexer
from ragloom.core.services.retrieval import RetrievalPolicy, Retriever, SearchMode
from ragloom.core.services.tenants import TenantService
from ragloom.core.services.throttle import FailureThrottle
from ragloom.core.services.transactions import EventBus, UnitsOfWork
from ragloom.core.services.webhooks import WebhookPolicy, WebhookService, tell_endpoints
from ragloom.plugins import load_registry

from .faults import (
    KILL_AFTER_UPSERT,
    KILL_BEFORE_PUBLISH,
    KilledAfterUpsert,
    KilledBeforePublishing,
    injected_fault,
)
from .lifecycle import Lifecycle
from .sandbox import SandboxLimits, open_sandbox
from .settings import Settings, validate_section
from .spaces import open_space_index, open_spaces

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Selected:
    spec: AdapterSpec
    settings: BaseModel


def _check_sections(settings: Settings, registry: PluginRegistry) -> None:
    """Every `plugins.<port>.<name>` section must name an adapter of that port."""
    for port_name, sections in settings.plugins.items():
        port = Port(port_name)
        for name in sections:
            if registry.find(port, name) is None:
                valid = ", ".join(registry.names(port)) or "(none installed)"
                raise ConfigError(
                    f"plugins.{port.value}.{name}: no {port.value} adapter is named {name!r}; "
                    f"valid names: {valid}"
                )


def select_adapters(
    settings: Settings, registry: PluginRegistry, *, modality: Modality | None = None
) -> dict[Port, list[Selected]]:
    """Resolve `adapters:` names to specs and parse their `plugins.<port>.<name>` sections.

    With `modality` (a worker of one pool), adapters that serve another modality are left out.
    """
    _check_sections(settings, registry)
    chosen: dict[Port, list[Selected]] = {}
    for port in Port:
        names = settings.adapter_names(port)
        if not names and PORTS[port].required:
            valid = ", ".join(registry.names(port))
            raise ConfigError(f"adapters.{port.value}: required key is missing; valid choices: {valid}")
        for name in names:
            spec = registry.find(port, name)
            if spec is None:
                valid = ", ".join(registry.names(port)) or "(none installed)"
                raise ConfigError(f"adapters.{port.value}: unknown adapter {name!r}; valid choices: {valid}")
            if modality is not None and spec.modality not in (None, modality.value):
                continue
            where = f"plugins.{port.value}.{name}"
            parsed = validate_section(spec.settings, settings.adapter_section(port, name), where)
            chosen.setdefault(port, []).append(Selected(spec, parsed))
    return chosen


def modality_map(selected: Mapping[Port, list[Selected]]) -> dict[str, Modality]:
    """The worker pool of each media type; the first listed extractor of a type wins it, as it does
    the extraction (so a plugin listed first replaces a default for the types it declares)."""
    pools: dict[str, Modality] = {}
    for item in selected.get(Port.MEDIA_EXTRACTOR, []):
        for media_type in item.spec.media_types:
            pools.setdefault(media_type, Modality(item.spec.modality or "text"))
    return pools


def _checked(port: Port, name: str, factory: AdapterFactory) -> AdapterFactory:
    """The factory, refusing at open an adapter that lacks a member of its port's Protocol."""

    @asynccontextmanager
    async def opened(settings: Any, **requirements: Any) -> AsyncIterator[Any]:
        async with factory(settings, **requirements) as adapter:
            missing = missing_members(port, adapter)
            if missing:
                raise ConfigError(
                    f"adapter {name!r} for port {port.value!r} lacks {', '.join(missing)} of the port"
                )
            yield adapter

    return opened


def _sandboxed(
    settings: Settings, items: list[Selected], selected: Mapping[Port, list[Selected]]
) -> list[providers.Provider[Any]]:
    """One pool of sandboxed worker processes per modality, each with that modality's limits; a
    pool's processes also open the adapters its extractors require (a transcriber, say), so the
    service process loads no such model (OCR loads its models when a document first needs it)."""
    extraction = settings.extraction
    pools: dict[Modality, list[Selected]] = {}
    for item in items:
        pools.setdefault(Modality(item.spec.modality or "text"), []).append(item)
    sandboxes: list[providers.Provider[Any]] = []
    for modality, group in pools.items():
        memory = extraction.memory_bytes_by_modality.get(modality)
        timeout = extraction.timeout_seconds_by_modality.get(modality)
        limits = SandboxLimits(
            processes=extraction.processes,
            memory_bytes=memory or extraction.memory_bytes,
            timeout_seconds=timeout or extraction.timeout_seconds,
            memory_setting=(
                f"extraction.memory_bytes_by_modality.{modality.value}"
                if memory
                else "extraction.memory_bytes"
            ),
            timeout_setting=(
                f"extraction.timeout_seconds_by_modality.{modality.value}"
                if timeout
                else "extraction.timeout_seconds"
            ),
        )
        adapters = [(item.spec.name, item.settings.model_dump()) for item in group]
        required = {port for item in group for port in item.spec.requires}
        requirements = {
            port.value: (selected[port][0].spec.name, selected[port][0].settings.model_dump())
            for port in required
            if selected.get(port)
        }
        media_types = frozenset(t for item in group for t in item.spec.media_types)
        sandboxes.append(providers.Resource(open_sandbox, adapters, media_types, limits, requirements))
    return sandboxes


def _requirements(c: containers.DynamicContainer, spec: AdapterSpec) -> dict[str, Any]:
    """The providers of the ports an adapter requires, as the factory's keyword arguments."""
    return {port.value: getattr(c, port.value) for port in spec.requires}


# Ports whose adapters may require others' are built last, so those providers exist already; the
# vector index opens the text embedder's space, so it comes after the embedder.
_BUILD_ORDER = sorted(Port, key=lambda port: (port == Port.MEDIA_EXTRACTOR, port == Port.VECTOR_INDEX))


def checked_embedder(embedder: TextEmbedder, index: VectorIndex) -> TextEmbedder:
    """The embedder, once its vectors are known to fit the index; ConfigError naming both sizes."""
    if embedder.dimension != index.dense_dimension:
        raise ConfigError(
            f"the text embedder makes {embedder.dimension}-dimensional vectors but the vector index "
            f"stores {index.dense_dimension}-dimensional ones: set the index's dense_dimension to "
            f"{embedder.dimension} (a new index or collection), or choose a {index.dense_dimension}-"
            "dimensional embedding model"
        )
    return embedder


def checked_image_embedder(images: ImageEmbedder | None, index: VectorIndex) -> ImageEmbedder | None:
    """The image embedder, once its vectors are known to fit the index's pictures; ConfigError
    naming both sizes. None when no image embedder is configured."""
    if images is None:
        return None
    if index.image_dimension != images.dimension:
        stored = f"{index.image_dimension}-dimensional pictures" if index.image_dimension else "no pictures"
        raise ConfigError(
            f"the image embedder makes {images.dimension}-dimensional vectors but the vector index "
            f"stores {stored}: set the index's image_dimension to {images.dimension} (a new index "
            "or collection)"
        )
    return images


def event_bus(signer: AuditSigner) -> EventBus:
    """The handlers of every domain event: the audit record and the corpus version, both inside the
    event's own transaction."""
    bus = EventBus()
    # Order matters on PostgreSQL: a unit of work locks the tenant's row before its audit chain's
    # tail (an upload holds the row first), so the corpus version goes before the audit record.
    bus.within(DomainEvent, bump_corpus_version)
    bus.within(DomainEvent, AuditRecorder(signer).on_event)
    bus.within(DomainEvent, tell_endpoints)  # webhook deliveries, with their jobs
    return bus


def _chosen(selected: Mapping[Port, list[Selected]], port: Port) -> tuple[AdapterSpec, BaseModel] | None:
    items = selected.get(port)
    return (items[0].spec, items[0].settings) if items else None


def build_container(
    settings: Settings,
    selected: Mapping[Port, list[Selected]],
    overrides: Mapping[Port, Any] | None = None,
    registry: PluginRegistry | None = None,
) -> containers.DynamicContainer:
    """One provider per port (a Resource of the chosen adapter), then the use cases on top."""
    overrides = overrides or {}
    c = containers.DynamicContainer()
    for port in _BUILD_ORDER:
        items = selected.get(port, [])
        if port in overrides:
            provider: providers.Provider[Any] = providers.Object(overrides[port])
        elif port == Port.MEDIA_EXTRACTOR and settings.extraction.sandbox and items:
            provider = providers.List(*_sandboxed(settings, items, selected))
        elif PORTS[port].multiple:
            provider = providers.List(
                *(
                    providers.Resource(
                        _checked(port, i.spec.name, i.spec.factory), i.settings, **_requirements(c, i.spec)
                    )
                    for i in items
                )
            )
        elif items and port == Port.VECTOR_INDEX:  # the configured embedder's space
            provider = providers.Resource(
                open_space_index,
                _checked(port, items[0].spec.name, items[0].spec.factory),
                items[0].settings,
                embedder=c.text_embedder,
            )
        elif items:
            provider = providers.Resource(
                _checked(port, items[0].spec.name, items[0].spec.factory),
                items[0].settings,
                **_requirements(c, items[0].spec),
            )
        else:
            provider = providers.Object(None)
        setattr(c, port.value, provider)

    fault = injected_fault()
    if fault == KILL_AFTER_UPSERT:
        c.vector_index = providers.Singleton(KilledAfterUpsert, c.vector_index)
    media = modality_map(selected)
    c.bus = providers.Singleton(event_bus, c.audit_signer)
    c.units = providers.Singleton(
        KilledBeforePublishing if fault == KILL_BEFORE_PUBLISH else UnitsOfWork,
        c.metadata_store,
        c.bus,
        c.job_queue,
        relay_after_seconds=settings.ingest.outbox_relay_after_seconds,
    )
    c.audit = providers.Singleton(AuditTrail, c.audit_signer, c.units)
    c.refusals = providers.Singleton(
        RefusalLedger, c.units, window_seconds=settings.http.auth_failure_window_seconds
    )
    c.throttle = providers.Singleton(
        FailureThrottle,
        free_failures=settings.http.auth_free_failures,
        max_seconds=settings.http.auth_max_backoff_seconds,
    )
    c.embedder = providers.Singleton(checked_embedder, c.text_embedder, c.vector_index)
    c.images = providers.Singleton(checked_image_embedder, c.image_embedder, c.vector_index)
    c.batched_embedder = providers.Singleton(
        CoalescingEmbedder, c.embedder, max_batch=settings.ingest.embed_batch
    )
    c.spaces = providers.Resource(
        open_spaces,
        embedder=c.batched_embedder,
        index=c.vector_index,
        units=c.units,
        registry=providers.Object(registry),
        embedder_spec=providers.Object(
            None if Port.TEXT_EMBEDDER in overrides else _chosen(selected, Port.TEXT_EMBEDDER)
        ),
        index_spec=providers.Object(
            None if Port.VECTOR_INDEX in overrides else _chosen(selected, Port.VECTOR_INDEX)
        ),
    )
    c.tenants = providers.Singleton(
        TenantService,
        units=c.units,
        blobs=c.blob_store,
        index=c.spaces,
        cache=c.semantic_cache,
        queue=c.job_queue,
        refusals=c.refusals,
        space=providers.Callable(lambda spaces: spaces.current.name, c.spaces),
    )
    c.relay = providers.Singleton(OutboxRelay, units=c.units, queue=c.job_queue)
    c.webhooks = providers.Singleton(
        WebhookService,
        units=c.units,
        sender=c.webhook_sender,
        policy=providers.Object(
            WebhookPolicy(
                retry_delays_seconds=tuple(settings.webhooks.retry_delays_seconds),
                disable_after_failures=settings.webhooks.disable_after_failures,
                max_endpoints=settings.webhooks.max_endpoints,
            )
        ),
    )
    c.documents = providers.Singleton(
        DocumentService,
        units=c.units,
        blobs=c.blob_store,
        index=c.spaces,
        queue=c.job_queue,
        modality_of=providers.Object(media.get),
        max_upload_bytes=settings.http.max_upload_bytes,
        quotas=providers.Object(Quotas(**settings.quotas.model_dump())),
    )
    c.ingest = providers.Singleton(
        IngestService,
        units=c.units,
        blobs=c.blob_store,
        extractors=c.media_extractor,
        spaces=c.spaces,
        chunking=providers.Object(ChunkingPolicy(**settings.chunking.model_dump())),
        sparse=c.sparse_encoder,
        scrubber=c.pii_scrubber,
        images=c.images,
        attach=c.documents.provided.attach,
        max_attempts=settings.ingest.max_attempts,
        progress_interval=settings.ingest.progress_interval_seconds,
    )
    c.retriever = providers.Singleton(
        Retriever,
        spaces=c.spaces,
        policy=providers.Object(
            RetrievalPolicy(
                candidates=settings.retrieval.candidates,
                top_n=settings.retrieval.top_n,
                max_question_chars=settings.http.max_question_chars,
                mode=SearchMode(settings.retrieval.mode),
            )
        ),
        sparse=c.sparse_encoder,
        reranker=c.reranker,
        units=c.units,
        images=c.images,
    )
    c.chats = providers.Singleton(
        ChatService, units=c.units, context_messages=settings.answers.history_messages
    )
    c.answer = providers.Singleton(
        AnswerService,
        retriever=c.retriever,
        chat_model=c.chat_model,
        units=c.units,
        digest=providers.Callable(lambda signer: signer.keyed_digest, c.audit_signer),
        scrubber=c.pii_scrubber,
        rewriter=c.query_rewriter,
        chats=c.chats,
        cache=c.semantic_cache,
        policy=providers.Object(
            AnswerPolicy(
                min_similarity=settings.answers.min_similarity,
                min_support=settings.answers.min_support,
                sure_support=settings.answers.sure_support,
                history_messages=settings.answers.history_messages,
            )
        ),
    )

    c.reindexer = providers.Singleton(
        Reindexer,
        spaces=c.spaces,
        units=c.units,
        chunking=providers.Object(ChunkingPolicy(**settings.chunking.model_dump())),
        sparse=c.sparse_encoder,
    )
    c.janitor = providers.Singleton(
        Janitor,
        units=c.units,
        documents=c.documents,
        blobs=c.blob_store,
        orphan_grace_seconds=settings.maintenance.orphan_grace_seconds,
    )
    return c


class Runtime:
    """An open container. Adapters open on first use, so a command opens only what it needs."""

    def __init__(self, settings: Settings, container: containers.DynamicContainer) -> None:
        self.settings = settings
        self.container = container
        self.lifecycle = Lifecycle(self)

    async def get(self, name: str) -> Any:
        value = getattr(self.container, name)()
        if hasattr(value, "__await__"):
            value = await value
        return value

    async def documents(self) -> DocumentService:
        return await self.get("documents")

    async def answer(self) -> AnswerService:
        return await self.get("answer")

    async def chats(self) -> ChatService:
        return await self.get("chats")

    async def reindexer(self) -> Reindexer:
        return await self.get("reindexer")

    async def retriever(self) -> Retriever:
        return await self.get("retriever")

    async def tenants(self) -> TenantService:
        return await self.get("tenants")

    async def audit(self) -> AuditTrail:
        return await self.get("audit")

    async def units(self) -> UnitsOfWork:
        return await self.get("units")

    async def throttle(self) -> FailureThrottle:
        return await self.get("throttle")

    async def refusals(self) -> RefusalLedger:
        return await self.get("refusals")

    async def webhooks(self) -> WebhookService:
        return await self.get("webhooks")

    async def audit_signer(self) -> AuditSigner:
        return await self.get(Port.AUDIT_SIGNER.value)

    async def job_queue(self) -> JobBroker:
        return await self.get(Port.JOB_QUEUE.value)

    async def job_dispatcher(self, *, retry_here: bool = True) -> JobDispatcher:
        """The runner of every kind of job, with what each needs opened. With `retry_here`, an
        ingestion whose backing service is down is tried again in place, with backoff; without, the
        ProviderUnavailable goes to the caller (a Taskiq worker, whose retry middleware queues the job
        again after the backoff)."""
        ingest = await self.get("ingest")
        webhooks: WebhookService = await self.get("webhooks")
        await self._say_if_pictures_are_read_only()
        attempts = self.settings.ingest.max_attempts if retry_here else 1
        ingestion = retrying_runner(
            ingest,
            attempts,
            backoff_seconds=self.settings.ingest.retry_backoff_seconds,
            reraise=not retry_here,
        )
        return JobDispatcher(
            {
                JobKind.INGEST: ingestion,
                JobKind.DELIVER_WEBHOOK: webhooks.deliver,
                JobKind.ERASE_DOCUMENT: (await self.documents()).erase,
                JobKind.ERASE_TENANT: (await self.tenants()).erase,
                JobKind.REINDEX_TENANT: (await self.reindexer()).run_job,
                JobKind.TELL_OPERATOR: webhooks.tell_operator,
            }
        )

    async def _say_if_pictures_are_read_only(self) -> None:
        """Once at start: pictures will be indexed by their text only, with no image embedder."""
        if await self.get("images") is not None:
            return
        extractors = await self.get(Port.MEDIA_EXTRACTOR.value)
        kinds = {t.split("/")[0] for extractor in extractors for t in extractor.media_types}
        if kinds & {"image", "video"}:
            log.warning(
                "no image embedder is configured: images and video keyframes are indexed by the text "
                "read in them (OCR) only. To search them by what they show, set "
                "adapters.image_embedder: open_clip with plugins.image_embedder.open_clip.weights, "
                "and the vector index's image_dimension"
            )

    async def readiness(self) -> dict[str, str]:
        """'ok' or the error per opened adapter that can check its backing service."""
        report: dict[str, str] = {}
        for port in Port:
            if not _opened(getattr(self.container, port.value)):
                continue  # not used by this process (a transcriber opened in the extraction sandbox)
            adapter = await self.get(port.value)
            for i, item in enumerate(adapter if isinstance(adapter, list) else [adapter]):
                if isinstance(item, HealthCheck):
                    key = port.value if i == 0 else f"{port.value}[{i}]"
                    try:
                        await item.health()
                        report[key] = "ok"
                    except Exception as error:
                        report[key] = f"{type(error).__name__}: {error}"
        return report


def _opened(provider: providers.Provider[Any]) -> bool:
    if isinstance(provider, providers.Resource):
        return bool(provider.initialized)
    if isinstance(provider, providers.List):
        return all(_opened(item) for item in provider.args)
    return True


@asynccontextmanager
async def open_runtime(
    settings: Settings,
    registry: PluginRegistry | None = None,
    *,
    overrides: Mapping[Port, Any] | None = None,
    modality: Modality | None = None,
) -> AsyncIterator[Runtime]:
    registry = registry or load_registry()
    selected = select_adapters(settings, registry, modality=modality)
    container = build_container(settings, selected, overrides, registry)
    runtime = Runtime(settings, container)
    try:
        yield runtime
    finally:
        await runtime.lifecycle.stop()
        result = container.shutdown_resources()
        if result is not None:
            await result
