"""Use cases through the real bootstrap, with in-memory adapters (and a flaky embedder where needed)."""

import pytest

from ragloom.adapters.memory.embedder import HashingEmbedder
from ragloom.contracts.spec import Port
from ragloom.contracts.testing.blob_store import read_bytes
from ragloom.core.errors import InvalidInput, NotFound, PayloadTooLarge, ProviderUnavailable, UnsupportedMedia
from ragloom.core.models import DEFAULT_TENANT, AnswerDone, DocumentStatus, TenantId
from ragloom.core.streams import IncomingFile
from ragloom.entrypoints.bootstrap import open_runtime
from tests.helpers.pdf import make_pdf
from tests.helpers.runtime import memory_settings

T = DEFAULT_TENANT


class FlakyEmbedder(HashingEmbedder):
    """Fails the first `failures` document calls with the given error."""

    def __init__(self, failures: int, retryable: bool = True):
        super().__init__(384)
        self.failures = failures
        self.retryable = retryable
        self.calls = 0

    async def embed_documents(self, texts):
        self.calls += 1
        if self.calls <= self.failures:
            raise ProviderUnavailable("model server hiccup", retryable=self.retryable)
        return await super().embed_documents(texts)


@pytest.fixture
def settings(tmp_path):
    return memory_settings(
        tmp_path, http={"max_upload_bytes": 10_000}, ingest={"max_attempts": 3, "retry_backoff_seconds": 0}
    )


async def ingest(runtime, name, data):
    documents = await runtime.documents()
    result = await documents.upload(T, IncomingFile.from_bytes(name, data))
    await runtime.lifecycle.wait_idle()
    return result, await documents.get(T, result.document.id)


async def test_upload_ingest_answer_with_citations(settings):
    async with open_runtime(settings) as runtime:
        await runtime.lifecycle.start_all()
        pdf = make_pdf(
            ["Owls hunt at night. Their feathers are silent.", "Owls swallow prey whole."], title="Owls"
        )
        _, doc = await ingest(runtime, "owls.pdf", pdf)
        assert (doc.status, doc.chunk_count, doc.title) == (DocumentStatus.READY, 2, "owls")
        events = [e async for e in (await runtime.answer()).answer(T, "Do owls swallow their prey whole?")]
        done = events[-1]
        assert isinstance(done, AnswerDone)
        assert "Owls swallow prey whole. [" in done.answer
        cited = {(c.title, c.location.page, c.source) for c in done.citations}
        assert ("Owls", 2, "owls.pdf") in cited
        other = [e async for e in (await runtime.answer()).answer(TenantId("other"), "owls?")]
        assert other[-1].citations == ()


async def test_same_bytes_return_the_existing_document(settings):
    async with open_runtime(settings) as runtime:
        await runtime.lifecycle.start_all()
        first, _ = await ingest(runtime, "a.txt", b"Same text.")
        second, _ = await ingest(runtime, "b.txt", b"Same text.")
        assert first.created and not second.created
        assert second.document.id == first.document.id
        assert len(await (await runtime.documents()).list(T)) == 1


async def test_delete_removes_vectors_blob_and_row(settings):
    async with open_runtime(settings) as runtime:
        await runtime.lifecycle.start_all()
        result, _ = await ingest(runtime, "a.txt", b"Kiwis are flightless birds.")
        index = await runtime.get("vector_index")
        blobs = await runtime.get("blob_store")
        assert await index.count(T, result.document.id) == 1
        await (await runtime.documents()).delete(T, result.document.id)
        assert await index.count(T, result.document.id) == 0
        with pytest.raises(NotFound):
            await read_bytes(blobs, T, result.document.blob_key)
        with pytest.raises(NotFound):
            await (await runtime.documents()).get(T, result.document.id)
        with pytest.raises(NotFound):
            await (await runtime.documents()).delete(T, result.document.id)


async def test_a_corrupt_pdf_fails_with_a_reason_and_ingestion_goes_on(settings):
    async with open_runtime(settings) as runtime:
        await runtime.lifecycle.start_all()
        _, bad = await ingest(runtime, "bad.pdf", b"%PDF-1.4\nthis is not really a pdf")
        _, good = await ingest(runtime, "good.txt", b"Penguins live in the south.")
        assert bad.status == DocumentStatus.FAILED and "PDF" in bad.error
        assert good.status == DocumentStatus.READY
        assert await (await runtime.get("vector_index")).count(T, bad.id) == 0


async def test_bad_uploads_are_refused_and_nothing_is_stored(settings):
    async with open_runtime(settings) as runtime:
        await runtime.lifecycle.start_all()
        documents = await runtime.documents()
        with pytest.raises(UnsupportedMedia):
            await documents.upload(T, IncomingFile.from_bytes("a.exe", b"MZ"))
        with pytest.raises(InvalidInput):
            await documents.upload(T, IncomingFile.from_bytes("a.txt", b""))
        with pytest.raises(PayloadTooLarge):
            await documents.upload(T, IncomingFile.from_bytes("a.txt", b"x" * 10_001))
        assert await documents.list(T) == []


async def test_a_text_file_with_only_blanks_fails_clearly(settings):
    async with open_runtime(settings) as runtime:
        await runtime.lifecycle.start_all()
        _, doc = await ingest(runtime, "blank.txt", b"   \n\n  ")
        assert doc.status == DocumentStatus.FAILED and "no text" in doc.error


async def test_a_retryable_provider_error_is_retried(settings):
    flaky = FlakyEmbedder(failures=2)
    async with open_runtime(settings, overrides={Port.TEXT_EMBEDDER: flaky}) as runtime:
        await runtime.lifecycle.start_all()
        _, doc = await ingest(runtime, "a.txt", b"Retry me please.")
        assert doc.status == DocumentStatus.READY and flaky.calls == 3


async def test_retries_run_out_and_the_document_fails(settings):
    flaky = FlakyEmbedder(failures=99)
    async with open_runtime(settings, overrides={Port.TEXT_EMBEDDER: flaky}) as runtime:
        await runtime.lifecycle.start_all()
        _, doc = await ingest(runtime, "a.txt", b"Never works.")
        assert doc.status == DocumentStatus.FAILED and "hiccup" in doc.error and flaky.calls == 3
        assert await (await runtime.get("vector_index")).count(T) == 0


async def test_a_permanent_provider_error_is_not_retried(settings):
    flaky = FlakyEmbedder(failures=1, retryable=False)
    async with open_runtime(settings, overrides={Port.TEXT_EMBEDDER: flaky}) as runtime:
        await runtime.lifecycle.start_all()
        _, doc = await ingest(runtime, "a.txt", b"Fails once, for good.")
        assert doc.status == DocumentStatus.FAILED and flaky.calls == 1


async def test_questions_are_validated(settings):
    async with open_runtime(settings) as runtime:
        answer = await runtime.answer()
        with pytest.raises(InvalidInput, match="empty"):
            answer.validate("   ")
        with pytest.raises(InvalidInput, match="over 4000"):
            answer.validate("x" * 4001)


async def test_no_documents_gives_a_plain_no_answer(settings):
    async with open_runtime(settings) as runtime:
        events = [e async for e in (await runtime.answer()).answer(T, "anything?")]
        assert events[-1].citations == () and "could not find" in events[-1].answer


async def test_work_left_unfinished_by_a_previous_run_is_taken_back(settings):
    from ragloom.adapters.memory.blob_store import InMemoryBlobStore
    from ragloom.adapters.memory.metadata import InMemoryMetadataStore
    from ragloom.core.models import DocumentId, Job

    metadata, blobs = InMemoryMetadataStore(), InMemoryBlobStore()
    shared = {Port.METADATA_STORE: metadata, Port.BLOB_STORE: blobs}

    class LostQueue:
        runs_in_process = True

        async def enqueue(self, job: Job) -> None:
            self.last = job

        def attach(self, runner) -> None:
            pass

    async with open_runtime(settings, overrides={**shared, Port.JOB_QUEUE: LostQueue()}) as crashed:
        await crashed.lifecycle.ensure_default_tenant()
        result = await (await crashed.documents()).upload(
            T, IncomingFile.from_bytes("a.txt", b"Left behind by a crash.")
        )
    assert result.document.status == DocumentStatus.QUEUED
    async with open_runtime(settings, overrides=shared) as restarted:
        await restarted.lifecycle.start_all()
        await restarted.lifecycle.wait_idle()
        document = await (await restarted.documents()).get(T, DocumentId(result.document.id))
    assert document.status == DocumentStatus.READY


async def test_search_modes_and_the_sparse_requirement(tmp_path):
    from ragloom.core.services.retrieval import SearchMode

    hybrid = memory_settings(tmp_path)
    async with open_runtime(hybrid) as runtime:
        await runtime.lifecycle.start_all()
        _, doc = await ingest(runtime, "a.txt", b"Narwhals have a long spiral tusk.")
        retriever = await runtime.retriever()
        assert retriever.modes() == [SearchMode.DENSE, SearchMode.SPARSE, SearchMode.HYBRID]
        for mode in SearchMode:
            hits = await retriever.retrieve(T, "narwhal tusk", mode=mode)
            assert [h.payload.document_id for h in hits] == [doc.id]
        assert await retriever.retrieve(T, "zebra stripes", mode=SearchMode.SPARSE) == []
    dense_only = memory_settings(tmp_path / "dense")
    dense_only.adapters.pop("sparse_encoder")
    async with open_runtime(dense_only) as runtime:
        retriever = await runtime.retriever()
        assert retriever.modes() == [SearchMode.DENSE]
        with pytest.raises(InvalidInput, match="needs a sparse encoder"):
            await retriever.retrieve(T, "x", mode=SearchMode.HYBRID)


async def test_scrubbing_runs_once_per_segment_and_title_before_chunking(tmp_path):
    from ragloom.adapters.memory.scrubber import EmailScrubber

    class CountingScrubber(EmailScrubber):
        def __init__(self):
            self.calls: list[list[str]] = []

        async def scrub(self, tenant, texts):
            self.calls.append(list(texts))
            return await super().scrub(tenant, texts)

    scrubber = CountingScrubber()
    pages = [
        "Write to ann@example.com about the owls. " * 6,
        "Ravens nest on cliffs near ann@example.com. " * 6,
    ]
    settings = memory_settings(tmp_path, chunking={"max_words": 12, "overlap_words": 0})
    async with open_runtime(settings, overrides={Port.PII_SCRUBBER: scrubber}) as runtime:
        await runtime.lifecycle.start_all()
        _, doc = await ingest(runtime, "birds.pdf", make_pdf(pages, title="Notes of ann@example.com"))
        assert doc.status == DocumentStatus.READY and doc.chunk_count > 2  # several chunks per page
        hits = await (await runtime.retriever()).retrieve(T, "owls ravens cliffs", top_n=20)
    assert len(scrubber.calls) == 1 and len(scrubber.calls[0]) == 3  # the title and the two pages, once
    assert hits and all("example.com" not in h.payload.text + h.payload.title for h in hits)
    assert all("<EMAIL_ADDRESS>" in h.payload.text for h in hits)
