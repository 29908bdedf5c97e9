"""The one Taskiq task: hand the job to the runner the queue was given."""

from __future__ import annotations

from taskiq import Context, TaskiqDepends

from ragloom.core.models import DocumentId, IngestJob, Modality, TenantId
from ragloom.core.ports import IngestRunner

INGEST_TASK = "ragloom.ingest"


async def ingest(tenant_id: str, document_id: str, modality: str, context: Context = TaskiqDepends()) -> str:
    await context.state.ingest_ready.wait()  # a job that arrives before the runner waits for it
    runner: IngestRunner = context.state.ingest_runner
    result = await runner(IngestJob(TenantId(tenant_id), DocumentId(document_id), Modality(modality)))
    return str(result)
