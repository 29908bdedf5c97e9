"""The transactional outbox through the real bootstrap with in-memory adapters: an upload's job is
written with its row, published once committed and forgotten; a broker that is down leaves the job
for the relay (the upload still succeeds, the document waits `queued`); a unit rolled back leaves no
job; and a job delivered twice indexes once."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from ragloom.adapters.local_queue.queue import FairJobQueue
from ragloom.adapters.memory.blob_store import InMemoryBlobStore
from ragloom.adapters.memory.vector_index import InMemoryVectorIndex
from ragloom.contracts.spec import Port
from ragloom.core.errors import NotFound, ProviderUnavailable, QuotaExceeded
from ragloom.core.models import DEFAULT_TENANT, DocumentStatus, IngestJob, Job, JobKind, Modality
from ragloom.core.streams import IncomingFile
from ragloom.entrypoints.bootstrap import open_runtime
from tests.helpers.runtime import memory_settings

T = DEFAULT_TENANT


class BrokerThatGoesDown(FairJobQueue):
    """The in-process queue, refusing jobs while `down` as a broker out of reach does."""

    down = False

    async def enqueue(self, job: Job) -> None:
        if self.down:
            raise ProviderUnavailable("the broker is unreachable")
        await super().enqueue(job)


async def waiting(runtime) -> list:
    """Every outbox entry, whatever its age."""
    async with (await runtime.units())(None) as transaction:
        return list(await transaction.outbox.due(now=datetime.now(UTC) + timedelta(days=1)))


async def test_an_uploads_job_is_published_and_forgotten(tmp_path):
    async with open_runtime(memory_settings(tmp_path)) as runtime:
        await runtime.lifecycle.start_all()
        documents = await runtime.documents()
        result = await documents.upload(T, IncomingFile.from_bytes("a.txt", b"Puffins nest in burrows."))
        assert await waiting(runtime) == []
        await runtime.lifecycle.wait_idle()
        assert (await documents.get(T, result.document.id)).status == DocumentStatus.READY


async def test_a_broker_that_is_down_leaves_the_job_for_the_relay(tmp_path):
    queue = BrokerThatGoesDown()
    settings = memory_settings(tmp_path, ingest={"outbox_relay_after_seconds": 0})
    async with open_runtime(settings, overrides={Port.JOB_QUEUE: queue}) as runtime:
        await runtime.lifecycle.start_all()
        documents = await runtime.documents()
        queue.down = True
        result = await documents.upload(T, IncomingFile.from_bytes("a.txt", b"Gannets dive for fish."))
        assert result.created and result.document.status == DocumentStatus.QUEUED  # not failed
        [entry] = await waiting(runtime)
        assert entry.job == Job.ingest(IngestJob(T, result.document.id, Modality.TEXT))
        outbox = await runtime.get("relay")
        with pytest.raises(ProviderUnavailable):
            await outbox.relay()  # still down: the entry stays
        assert len(await waiting(runtime)) == 1
        queue.down = False
        assert await outbox.relay() == 1
        await runtime.lifecycle.wait_idle()
        assert await waiting(runtime) == []
        assert (await documents.get(T, result.document.id)).status == DocumentStatus.READY


async def test_an_upload_rolled_back_leaves_no_job(tmp_path):
    settings = memory_settings(tmp_path, quotas={"max_documents": 1})
    async with open_runtime(settings) as runtime:
        await runtime.lifecycle.start_all()
        documents = await runtime.documents()
        await documents.upload(T, IncomingFile.from_bytes("a.txt", b"Terns migrate far."))
        with pytest.raises(QuotaExceeded):
            await documents.upload(T, IncomingFile.from_bytes("b.txt", b"Skuas steal fish."))
        assert await waiting(runtime) == []


async def test_a_job_delivered_twice_indexes_once(tmp_path):
    async with open_runtime(memory_settings(tmp_path)) as runtime:
        await runtime.lifecycle.start_all()
        documents = await runtime.documents()
        result = await documents.upload(
            T, IncomingFile.from_bytes("a.txt", b"Fulmars glide low. " * 400, "text/plain")
        )
        queue = await runtime.get(Port.JOB_QUEUE.value)
        job = IngestJob(T, result.document.id, Modality.TEXT)
        await queue.enqueue(Job.ingest(job))  # the relay published it again after a crash
        await runtime.lifecycle.wait_idle()
        await (await runtime.get("ingest")).run(job)  # and once more, late
        document = await documents.get(T, result.document.id)
        assert document.status == DocumentStatus.READY and document.chunk_count > 1
        assert await (await runtime.get("vector_index")).count(T, document.id) == document.chunk_count
        actions = [record.action async for record in (await runtime.audit()).records(T)]
        assert actions.count("document.ready") == 1


async def test_a_unit_of_work_is_one_per_task_and_a_task_started_inside_may_open_its_own(tmp_path):
    """The relay publishes inside its unit of work, and an in-process queue starts the job's task
    there: the job must still open units of its own."""
    import asyncio

    async with open_runtime(memory_settings(tmp_path)) as runtime:
        await runtime.lifecycle.start_all()
        units = await runtime.units()
        async with units(None):
            with pytest.raises(RuntimeError, match="already open in this task"):
                async with units(None):
                    pass

            async def inner() -> str:
                async with units(T, read_only=True) as transaction:
                    return (await transaction.tenants.get(T)).id

            assert await asyncio.create_task(inner()) == T


class BlobsThatFailOnce(InMemoryBlobStore):
    """A blob store whose next deletion fails, as one out of reach does."""

    failing = False

    async def delete(self, tenant, key) -> None:
        self._fail()
        await super().delete(tenant, key)

    async def delete_tenant(self, tenant) -> int:
        self._fail()
        return await super().delete_tenant(tenant)

    def _fail(self) -> None:
        if self.failing:
            self.failing = False
            raise ProviderUnavailable("the blob store is unreachable")


def relaying(tmp_path):
    return memory_settings(
        tmp_path, ingest={"outbox_relay_after_seconds": 0.2, "outbox_relay_interval_seconds": 0.05}
    )


async def until(condition, timeout: float = 20) -> None:
    async with asyncio.timeout(timeout):
        while not await condition():
            await asyncio.sleep(0.05)


async def test_a_deletion_cut_short_is_finished_by_its_erase_job(tmp_path):
    blobs = BlobsThatFailOnce()
    async with open_runtime(relaying(tmp_path), overrides={Port.BLOB_STORE: blobs}) as runtime:
        await runtime.lifecycle.start_all()
        documents = await runtime.documents()
        result = await documents.upload(T, IncomingFile.from_bytes("a.txt", b"Kittiwakes nest on ledges."))
        await runtime.lifecycle.wait_idle()
        kept = await documents.upload(T, IncomingFile.from_bytes("b.txt", b"Razorbills dive deep."))
        await runtime.lifecycle.wait_idle()
        await documents.delete(T, kept.document.id)  # finished at once: its erase job is released
        assert await waiting(runtime) == []
        blobs.failing = True
        with pytest.raises(ProviderUnavailable):
            await documents.delete(T, result.document.id)
        assert (await documents.get(T, result.document.id)).status == DocumentStatus.DELETING
        [entry] = await waiting(runtime)
        assert entry.job == Job.erase_document(T, result.document.id)

        async def gone() -> bool:
            try:
                await documents.get(T, result.document.id)
            except NotFound:
                return True
            return False

        await until(gone)  # the relay published the erase job and the queue ran it
        await runtime.lifecycle.wait_idle()
        assert await waiting(runtime) == []
        assert await (await runtime.get("vector_index")).count(T) == 0
        actions = [record.action async for record in (await runtime.audit()).records(T)]
        assert actions.count("document.delete") == 2


async def test_a_tenant_purge_cut_short_is_finished_by_its_erase_job(tmp_path):
    blobs = BlobsThatFailOnce()
    async with open_runtime(relaying(tmp_path), overrides={Port.BLOB_STORE: blobs}) as runtime:
        await runtime.lifecycle.start_all()
        tenants = await runtime.tenants()
        doomed = (await tenants.create("Doomed")).tenant.id
        documents = await runtime.documents()
        await documents.upload(doomed, IncomingFile.from_bytes("a.txt", b"Shags dry their wings."))
        await runtime.lifecycle.wait_idle()
        blobs.failing = True
        with pytest.raises(ProviderUnavailable):
            await tenants.delete(doomed)
        assert (await tenants.usage(doomed)).documents == 1  # half done: the rows are still there

        async def purged() -> bool:
            return (await tenants.usage(doomed)).documents == 0

        await until(purged)
        await runtime.lifecycle.wait_idle()
        assert await waiting(runtime) == []
        assert await blobs.delete_tenant(doomed) == 0
        actions = [record.action async for record in (await runtime.audit()).records(doomed)]
        assert actions.count("tenant.delete") == 1


async def test_a_process_that_runs_no_job_leaves_its_jobs_in_the_outbox(tmp_path):
    """An offline admin command on the embedded profile: the in-process queue would forget a job at
    exit, so the job waits in the outbox for the next `ragloom serve`."""
    async with open_runtime(relaying(tmp_path)) as runtime:
        await runtime.lifecycle.start_all(ingestion=False)
        tenants = await runtime.tenants()
        doomed = (await tenants.create("Doomed")).tenant.id
        await tenants.delete(doomed)
        [entry] = await waiting(runtime)
        assert entry.job.kind == JobKind.TELL_OPERATOR and entry.job.tenant_id == doomed
        assert await (await runtime.get(Port.JOB_QUEUE.value)).depth(Modality.TEXT) == 0


class _MarkedDeletingWhileIndexed(InMemoryVectorIndex):
    """An index whose first upsert is followed, before the ingestion settles, by the document being
    marked for deletion (a user deleting it while it is indexed)."""

    def __init__(self, units) -> None:
        super().__init__(384)
        self.units = units

    async def upsert(self, tenant, points) -> None:
        await super().upsert(tenant, points)
        if self.units is not None:
            await asyncio.create_task(self._mark(tenant, points[0].payload.document_id))  # its own unit

    async def _mark(self, tenant, document_id) -> None:
        units, self.units = self.units, None
        async with units(tenant) as transaction:
            read = await transaction.documents.get(tenant, document_id, for_update=True)
            await transaction.documents.save(read.moved_to(DocumentStatus.DELETING, datetime.now(UTC)))
            await transaction.commit()


async def test_an_ingestion_finishing_after_its_document_was_marked_for_deletion_leaves_it_so(tmp_path):
    index = _MarkedDeletingWhileIndexed(None)
    async with open_runtime(memory_settings(tmp_path), overrides={Port.VECTOR_INDEX: index}) as runtime:
        index.units = await runtime.units()
        await runtime.lifecycle.start_all()
        documents = await runtime.documents()
        result = await documents.upload(T, IncomingFile.from_bytes("a.txt", b"Gannets dive from height."))
        await runtime.lifecycle.wait_idle()
        document = await documents.get(T, result.document.id)
        assert document.status == DocumentStatus.DELETING  # not made ready over the deletion
        assert await index.count(T, document.id) == 0  # the points it had written are gone again
        actions = [record.action async for record in (await runtime.audit()).records(T)]
        assert "document.ready" not in actions
