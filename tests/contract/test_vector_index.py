"""The VectorIndex contract, run by the in-memory, Qdrant Edge and qdrant-client adapters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import qdrant_edge
from pydantic import ValidationError

from ragloom.adapters.memory.vector_index import InMemoryVectorIndex
from ragloom.adapters.qdrant.edge import QdrantEdgeIndex
from ragloom.adapters.qdrant.edge import open_vector_index as open_edge
from ragloom.adapters.qdrant.server import QdrantIndex
from ragloom.adapters.qdrant.server import open_vector_index as open_qdrant
from ragloom.adapters.qdrant.settings import QdrantEdgeSettings, QdrantSettings
from ragloom.contracts.testing.vector_index import (
    DOC_1,
    A,
    VectorIndexContract,
    axis,
    picture,
    point,
    sparse,
)
from ragloom.core.errors import InvalidInput, ProviderUnavailable, StoreInUse
from ragloom.core.models import SearchQuery

DIMENSION = VectorIndexContract.DIMENSION
IMAGE_DIMENSION = VectorIndexContract.IMAGE_DIMENSION


def edge_settings(tmp_path: Path, image_dimension: int | None = IMAGE_DIMENSION) -> QdrantEdgeSettings:
    return QdrantEdgeSettings(
        path=str(tmp_path / "shard"), dense_dimension=DIMENSION, image_dimension=image_dimension
    )


class TestInMemoryVectorIndex(VectorIndexContract):
    @pytest.fixture
    async def adapter(self) -> AsyncIterator[InMemoryVectorIndex]:
        yield InMemoryVectorIndex(DIMENSION, image_dimension=IMAGE_DIMENSION)


class TestQdrantEdgeIndex(VectorIndexContract):
    @pytest.fixture
    async def adapter(self, tmp_path: Path) -> AsyncIterator[QdrantEdgeIndex]:
        async with open_edge(edge_settings(tmp_path)) as adapter:
            yield adapter


class TestQdrantEdgeIndexOnDiskAndQuantized(VectorIndexContract):
    """The layout for large indexes: memory-mapped vectors, sparse index and payloads, int8 vectors."""

    @pytest.fixture
    async def adapter(self, tmp_path: Path) -> AsyncIterator[QdrantEdgeIndex]:
        settings = edge_settings(tmp_path).model_copy(update={"on_disk": True, "quantization": "int8"})
        async with open_edge(settings) as adapter:
            yield adapter

    async def test_the_shard_is_made_with_that_layout_and_reopens_with_it(self, tmp_path: Path) -> None:
        settings = edge_settings(tmp_path).model_copy(update={"on_disk": True, "quantization": "int8"})
        async with open_edge(settings) as index:
            await index.upsert(A, [point(axis(0), sparse_vector=sparse(t1=1.0))])
        stored = (tmp_path / "shard" / "edge_config.json").read_text()
        assert '"on_disk":true' in stored.replace(" ", "") and "int8" in stored.lower()
        async with open_edge(settings) as index:
            assert len(await index.search(A, SearchQuery(dense=axis(0)))) == 1


@pytest.mark.filterwarnings("ignore:Payload indexes have no effect:UserWarning")
class TestQdrantIndex(VectorIndexContract):
    @pytest.fixture
    async def adapter(self, tmp_path: Path) -> AsyncIterator[QdrantIndex]:
        settings = QdrantSettings(
            path=str(tmp_path / "qdrant"), dense_dimension=DIMENSION, image_dimension=IMAGE_DIMENSION
        )
        async with open_qdrant(settings) as adapter:
            yield adapter

    async def test_each_embedding_space_is_a_collection_of_its_own(self, tmp_path: Path) -> None:
        settings = QdrantSettings(path=str(tmp_path / "spaces"), dense_dimension=DIMENSION)
        async with open_qdrant(settings, space="model-a-8") as first:
            await first.upsert(A, [point(axis(0))])
        async with open_qdrant(settings, space="model-b-8") as second:
            assert await second.count(A) == 0
        async with open_qdrant(settings, space="model-a-8") as first:
            assert await first.count(A) == 1


@asynccontextmanager
async def _without_pictures(kind: str, tmp_path: Path) -> AsyncIterator[Any]:
    if kind == "memory":
        yield InMemoryVectorIndex(DIMENSION)
    elif kind == "edge":
        async with open_edge(edge_settings(tmp_path, image_dimension=None)) as adapter:
            yield adapter
    else:
        async with open_qdrant(
            QdrantSettings(path=str(tmp_path / "q"), dense_dimension=DIMENSION)
        ) as adapter:
            yield adapter


@pytest.mark.filterwarnings("ignore:Payload indexes have no effect:UserWarning")
@pytest.mark.parametrize("kind", ["memory", "edge", "qdrant"])
async def test_an_index_without_an_image_dimension_refuses_pictures(kind: str, tmp_path: Path) -> None:
    async with _without_pictures(kind, tmp_path) as adapter:
        assert adapter.image_dimension is None
        with pytest.raises(InvalidInput, match="image_dimension"):
            await adapter.upsert(A, [picture([1.0, 0.0, 0.0, 0.0])])
        with pytest.raises(InvalidInput, match="image_dimension"):
            await adapter.search(A, SearchQuery(dense=axis(0), image=[1.0, 0.0, 0.0, 0.0]))
        await adapter.upsert(A, [point(axis(0))])  # text still goes in
        assert await adapter.count(A) == 1


class TestQdrantEdgeSpecifics:
    async def test_data_persists_across_close_and_reopen(self, tmp_path: Path) -> None:
        stored = point(axis(0), sparse_vector=sparse(t7=1.0))
        async with open_edge(edge_settings(tmp_path)) as adapter:
            await adapter.upsert(A, [stored])

        async with open_edge(edge_settings(tmp_path)) as adapter:
            assert await adapter.count(A, DOC_1) == 1
            hits = await adapter.search(A, SearchQuery(dense=axis(0), sparse=sparse(t7=1.0)))
            assert [hit.point_id for hit in hits] == [stored.id]
            assert hits[0].payload == stored.payload

    async def test_a_second_open_of_the_same_path_is_store_in_use(self, tmp_path: Path) -> None:
        async with open_edge(edge_settings(tmp_path)):
            with pytest.raises(StoreInUse) as caught:
                async with open_edge(edge_settings(tmp_path)):
                    pass
        assert str(tmp_path / "shard") in caught.value.message
        assert "ragloom serve" in caught.value.message
        async with open_edge(edge_settings(tmp_path)) as adapter:  # released on close
            assert await adapter.count(A) == 0

    async def test_tenant_payload_index_exists_after_open(self, tmp_path: Path) -> None:
        async with open_edge(edge_settings(tmp_path)):
            pass
        shard = qdrant_edge.EdgeShard.load(str(tmp_path / "shard"))
        try:
            schema = shard.info().payload_schema
        finally:
            shard.close()
        assert schema["tenant_id"].data_type == qdrant_edge.PayloadSchemaType.Keyword
        assert schema["tenant_id"].params.is_tenant is True
        assert schema["document_id"].data_type == qdrant_edge.PayloadSchemaType.Keyword

    async def test_reopening_with_another_dimension_fails_clearly(self, tmp_path: Path) -> None:
        async with open_edge(edge_settings(tmp_path)):
            pass
        other = QdrantEdgeSettings(path=str(tmp_path / "shard"), dense_dimension=DIMENSION * 2)
        with pytest.raises(ProviderUnavailable, match="cannot open") as caught:
            async with open_edge(other):
                pass
        assert caught.value.retryable is False

    async def test_adding_pictures_to_a_shard_made_without_them_fails_clearly(self, tmp_path: Path) -> None:
        async with open_edge(edge_settings(tmp_path, image_dimension=None)):
            pass
        with pytest.raises(ProviderUnavailable, match=r"image_dimension.*new path"):
            async with open_edge(edge_settings(tmp_path)):
                pass

    async def test_each_embedding_space_is_a_folder_of_its_own(self, tmp_path: Path) -> None:
        settings = edge_settings(tmp_path)
        async with (
            open_edge(settings, space="model-a-8") as first,
            open_edge(settings, space="model-b-8") as second,
        ):
            await first.upsert(A, [point(axis(0))])
            assert await second.count(A) == 0
        assert sorted(p.name for p in (tmp_path / "shard").iterdir()) == ["model-a-8", "model-b-8"]

    async def test_a_shard_from_before_spaces_is_refused_with_the_way_to_keep_it(
        self, tmp_path: Path
    ) -> None:
        async with open_edge(edge_settings(tmp_path)) as unspaced:
            await unspaced.upsert(A, [point(axis(0))])
        with pytest.raises(ProviderUnavailable, match=r"move its contents into .*shard/model-a-8"):
            async with open_edge(edge_settings(tmp_path), space="model-a-8"):
                pass

    async def test_calls_after_close_are_provider_unavailable(self, tmp_path: Path) -> None:
        async with open_edge(edge_settings(tmp_path)) as adapter:
            pass
        with pytest.raises(ProviderUnavailable):
            await adapter.count(A)


class TestQdrantSettings:
    @pytest.mark.parametrize(
        "targets",
        [{}, {"url": "http://qdrant:6333", "path": "/tmp/q"}, {"path": "/tmp/q", "location": ":memory:"}],
    )
    def test_exactly_one_target_is_required(self, targets: dict[str, str]) -> None:
        with pytest.raises(ValidationError) as caught:
            QdrantSettings(**targets)
        message = str(caught.value)
        assert "`url`" in message and "`path`" in message and "`location`" in message

    def test_one_target_is_accepted(self) -> None:
        assert QdrantSettings(url="http://qdrant:6333").url == "http://qdrant:6333"
        assert QdrantSettings(location=":memory:").collection == "ragloom_chunks"

    def test_unknown_keys_are_rejected(self) -> None:
        with pytest.raises(ValidationError):
            QdrantSettings(url="http://qdrant:6333", colection="typo")

    async def test_unreachable_server_is_provider_unavailable(self) -> None:
        settings = QdrantSettings(url="http://127.0.0.1:9", timeout=2)
        with pytest.raises(ProviderUnavailable) as caught:
            async with open_qdrant(settings):
                pass
        assert caught.value.retryable is True
