"""The ingestion task, and how a job is retried when a provider is briefly unavailable."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from taskiq import Context, TaskiqDepends

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import DocumentId, IngestJob, Modality, TenantId
from ragloom.core.services.ingest import IngestService

INGEST_TASK = "ragloom.ingest"
log = logging.getLogger(__name__)

IngestRunner = Callable[[IngestJob], Awaitable[str]]


def retrying_runner(service: IngestService, attempts: int, backoff_seconds: float = 0.5) -> IngestRunner:
    """Run a job; a retryable ProviderUnavailable is retried with exponential backoff."""

    async def run(job: IngestJob) -> str:
        for attempt in range(1, attempts + 1):
            try:
                status = await service.run(job, final_attempt=attempt == attempts)
                return status.value if status else "skipped"
            except ProviderUnavailable as error:
                log.warning("ingestion of %s: attempt %d/%d: %s", job.document_id, attempt, attempts, error)
                await asyncio.sleep(backoff_seconds * 2 ** (attempt - 1))
        return "failed"

    return run


async def ingest(tenant_id: str, document_id: str, modality: str, context: Context = TaskiqDepends()) -> str:
    runner: IngestRunner = context.state.ingest_runner
    return await runner(IngestJob(TenantId(tenant_id), DocumentId(document_id), Modality(modality)))
