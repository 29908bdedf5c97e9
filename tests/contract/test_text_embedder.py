from pathlib import Path

import pytest

from ragloom.adapters.memory.embedder import HashingEmbedder
from ragloom.adapters.sentence_transformers.embedder import SentenceTransformerSettings, open_text_embedder
from ragloom.contracts.testing.text_embedder import TextEmbedderContract
from ragloom.core.errors import ProviderUnavailable


class TestHashingEmbedder(TextEmbedderContract):
    @pytest.fixture
    async def adapter(self):
        yield HashingEmbedder(64)


class TestSentenceTransformerEmbedder(TextEmbedderContract):
    @pytest.fixture(scope="class")
    def shared(self):
        import asyncio

        loop = asyncio.new_event_loop()
        manager = open_text_embedder(SentenceTransformerSettings())
        adapter = loop.run_until_complete(manager.__aenter__())
        yield adapter
        loop.run_until_complete(manager.__aexit__(None, None, None))
        loop.close()

    @pytest.fixture
    async def adapter(self, shared):
        yield shared

    async def test_onnx_queries_match_torch_queries(self, adapter):
        async with open_text_embedder(SentenceTransformerSettings(query_backend="torch")) as torch_embedder:
            for text in ("vitamin D and multiple sclerosis", "a", "x " * 400):
                fast, slow = await adapter.embed_query(text), await torch_embedder.embed_query(text)
                assert sum(a * b for a, b in zip(fast, slow, strict=True)) > 0.9999

    async def test_bfloat16_document_batches_match_float32_ones(self):
        texts = [
            "Vitamin D deficiency is associated with a higher risk of multiple sclerosis in adults.",
            "a",
            "The barn owl hunts at night, " * 60,  # longer than the model's window
        ]
        settings = {"bfloat16": None, "float32": None}
        for precision in settings:
            async with open_text_embedder(
                SentenceTransformerSettings(document_precision=precision)
            ) as embedder:
                settings[precision] = await embedder.embed_documents(texts)
        for fast, exact in zip(settings["bfloat16"], settings["float32"], strict=True):
            assert fast != exact, "both ran in float32"
            assert sum(a * b for a, b in zip(fast, exact, strict=True)) > 0.9999

    def test_auto_precision_takes_bfloat16_only_where_the_cpu_has_it_in_hardware(self):
        from ragloom.adapters.sentence_transformers.embedder import cpu_has_bfloat16, document_dtype

        flags = set()
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                flags |= set(line.split(":", 1)[1].split())
        native = bool(flags & {"amx_bf16", "avx512_bf16"})  # without them, oneDNN emulates bfloat16
        assert cpu_has_bfloat16() is native
        assert (document_dtype(SentenceTransformerSettings()) is not None) is native

    async def test_queries_and_document_batches_run_at_the_same_time(self, adapter):
        import asyncio

        documents = [
            f"document number {i} about owls, mice and the long night in the barn" for i in range(512)
        ]
        batch = asyncio.create_task(adapter.embed_documents(documents))
        await asyncio.sleep(0.05)  # the batch is on the model's thread now
        vector = await adapter.embed_query("where do owls hunt")
        assert len(vector) == 384
        assert not batch.done(), "the query waited for the whole document batch"
        assert len(await batch) == 512

    async def test_the_packaged_minilm_is_384_wide_and_normalised(self, adapter):
        vector = await adapter.embed_query("hello")
        assert adapter.dimension == 384
        assert abs(sum(x * x for x in vector) - 1) < 1e-4


async def test_a_missing_model_folder_is_a_clear_permanent_error(tmp_path):
    with pytest.raises(ProviderUnavailable, match="does not exist") as caught:
        async with open_text_embedder(SentenceTransformerSettings(model=str(tmp_path / "nope"))):
            pass
    assert caught.value.retryable is False
