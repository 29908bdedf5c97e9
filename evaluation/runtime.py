"""What the harness needs of an open runtime: the core's use cases, the lifecycle's start and drain,
and the few settings a measurement reports or must look past.

The harness sits below the composition root (ragloom.entrypoints imports it, never the reverse: an
import-linter contract in pyproject.toml), so it names no entry-point type. The runtime that
`ragloom.entrypoints.bootstrap.open_runtime` yields satisfies these protocols structurally, as it does
the lifecycle's own (`ragloom.entrypoints.lifecycle.Services`). Every member is read-only, so a
runtime's richer types (its settings model, its lifecycle) fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ragloom.core.services.answer import AnswerService
from ragloom.core.services.chats import ChatService
from ragloom.core.services.documents import DocumentService
from ragloom.core.services.retrieval import Retriever
from ragloom.core.services.tenants import TenantService


class Lifecycle(Protocol):
    """Starting an open runtime's background work (ingestion jobs above all) and waiting for it."""

    async def start_all(self) -> object: ...

    async def wait_idle(self) -> None: ...


class AnswerThresholds(Protocol):
    @property
    def min_similarity(self) -> float: ...


class EvalSettings(Protocol):
    """The settings a measurement reads: the home and the blob store's folder (searched for leaked
    personal data, the originals left out), and the configured answer threshold (reported)."""

    @property
    def home(self) -> str: ...

    @property
    def adapters(self) -> Mapping[str, object]: ...

    @property
    def plugins(self) -> Mapping[str, Mapping[str, Mapping[str, Any]]]: ...

    @property
    def answers(self) -> AnswerThresholds: ...


class Runtime(Protocol):
    """An open runtime, as the harness drives it: the pipeline a server runs, through its use cases."""

    @property
    def settings(self) -> EvalSettings: ...

    @property
    def lifecycle(self) -> Lifecycle: ...

    async def get(self, name: str) -> Any:
        """A provider by name; the harness asks for `vector_index` (to optimize and to scroll it)."""

    async def tenants(self) -> TenantService: ...

    async def documents(self) -> DocumentService: ...

    async def retriever(self) -> Retriever: ...

    async def answer(self) -> AnswerService: ...

    async def chats(self) -> ChatService: ...
