"""Contract tests every VectorIndex adapter passes.

Subclass `VectorIndexContract` in a `Test...` class and provide an async fixture `adapter` that
yields a fresh, empty adapter whose dense dimension is 8 (`VectorIndexContract.DIMENSION`), whose
image dimension is 4 (`VectorIndexContract.IMAGE_DIMENSION`) and which has a `health()` coroutine.
The tests are coroutines: run them with pytest-asyncio.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence

import pytest

from ragloom.core.errors import InvalidInput
from ragloom.core.models import (
    ChunkPayload,
    DocumentId,
    Location,
    SearchHit,
    SearchQuery,
    SparseVector,
    StoredPoint,
    TenantId,
    VectorPoint,
)
from ragloom.core.ports import VectorIndex

A = TenantId("tenant-a")
B = TenantId("tenant-b")
DOC_1 = DocumentId("doc-1")
DOC_2 = DocumentId("doc-2")
# every part of a location set, so a search shows each kept with its type (a page stays an int)
EVERYWHERE = Location(
    page=3, start_seconds=1.5, end_seconds=4.25, track="frame", frame=2, boxes=((10, 20, 300, 60),)
)


def dense(*weights: tuple[int, float]) -> list[float]:
    """An 8-d vector with the given (axis, weight) entries."""
    vector = [0.0] * VectorIndexContract.DIMENSION
    for axis, weight in weights:
        vector[axis] = weight
    return vector


def axis(i: int) -> list[float]:
    return dense((i, 1.0))


def sparse(**terms: float) -> SparseVector:
    """A sparse vector from `t<index>=weight` keywords, e.g. sparse(t1=1.0, t99=2.0)."""
    return SparseVector(indices=[int(k[1:]) for k in terms], values=list(terms.values()))


def payload(document: DocumentId = DOC_1, ordinal: int = 0, location: Location = Location()) -> ChunkPayload:
    return ChunkPayload(
        document_id=document,
        title=f"Title of {document}",
        source=f"{document}.txt",
        ordinal=ordinal,
        text=f"chunk {ordinal} of {document}",
        location=location,
    )


def point(
    vector: list[float],
    document: DocumentId = DOC_1,
    ordinal: int = 0,
    sparse_vector: SparseVector | None = None,
) -> VectorPoint:
    return VectorPoint(
        id=str(uuid.uuid4()), dense=vector, payload=payload(document, ordinal), sparse=sparse_vector
    )


def picture(weights: Sequence[float], document: DocumentId = DOC_1, ordinal: int = 100) -> VectorPoint:
    """A picture point: only an image vector (4-d), no dense text vector."""
    return VectorPoint(
        id=str(uuid.uuid4()),
        dense=[],
        payload=payload(document, ordinal, Location(frame=1)),
        image=list(weights),
    )


def ids(hits: Sequence[SearchHit]) -> list[str]:
    return [hit.point_id for hit in hits]


def assert_best_first(hits: Sequence[SearchHit]) -> None:
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)


class VectorIndexContract:
    """Mixin: the behaviour of `ragloom.core.ports.VectorIndex` (needs an `adapter` fixture, 8-d)."""

    DIMENSION = 8
    IMAGE_DIMENSION = 4
    pytestmark = pytest.mark.asyncio

    async def test_health_answers(self, adapter: VectorIndex) -> None:
        assert await adapter.health() is None  # type: ignore[attr-defined]

    async def test_empty_index_finds_nothing(self, adapter: VectorIndex) -> None:
        assert await adapter.search(A, SearchQuery(dense=axis(0))) == []
        assert await adapter.count(A) == 0

    async def test_dense_search_returns_nearest_first_with_payload(self, adapter: VectorIndex) -> None:
        near = point(axis(0), ordinal=0)
        middle = VectorPoint(
            id=str(uuid.uuid4()),
            dense=dense((0, 1.0), (1, 1.0)),
            payload=payload(DOC_1, 1, EVERYWHERE),
        )
        far = point(axis(1), ordinal=2)
        await adapter.upsert(A, [far, near, middle])

        hits = await adapter.search(A, SearchQuery(dense=axis(0)))

        assert ids(hits) == [near.id, middle.id, far.id]
        assert_best_first(hits)
        assert math.isclose(hits[0].score, 1.0, abs_tol=1e-4)
        assert math.isclose(hits[1].score, math.sqrt(0.5), abs_tol=1e-4)
        assert hits[0].payload == near.payload and hits[0].payload.location == Location()
        assert hits[1].payload == middle.payload and hits[1].payload.location == EVERYWHERE
        assert isinstance(hits[1].payload.location.page, int)
        assert isinstance(hits[1].payload.location.frame, int)

    async def test_a_ranking_only_search_keeps_the_ranking_with_document_ids_and_ordinals(
        self, adapter: VectorIndex
    ) -> None:
        near = VectorPoint(str(uuid.uuid4()), axis(0), payload(DOC_1, 0, Location(page=2)), sparse(t1=1.0))
        far = VectorPoint(str(uuid.uuid4()), axis(1), payload(DOC_2, 1), sparse(t2=1.0))
        await adapter.upsert(A, [near, far])
        for query in (SearchQuery(dense=axis(0)), SearchQuery(dense=axis(0), sparse=sparse(t1=1.0))):
            full = await adapter.search(A, query)
            bare = await adapter.search(
                A, SearchQuery(query.dense, query.limit, query.sparse, ranking_only=True)
            )
            assert ids(bare) == ids(full) == [near.id, far.id]
            assert [h.score for h in bare] == [h.score for h in full]
            assert [(h.payload.document_id, h.payload.ordinal) for h in bare] == [(DOC_1, 0), (DOC_2, 1)]
            assert [(h.payload.text, h.payload.title, h.payload.location) for h in bare] == [
                ("", "", Location())
            ] * 2
            assert full[0].payload.text and full[0].payload.location.page == 2

    async def test_upsert_same_id_replaces(self, adapter: VectorIndex) -> None:
        first = point(axis(0))
        await adapter.upsert(A, [first])
        replaced = VectorPoint(id=first.id, dense=axis(1), payload=payload(DOC_1, 7))
        await adapter.upsert(A, [replaced])

        assert await adapter.count(A) == 1
        hits = await adapter.search(A, SearchQuery(dense=axis(1)))
        assert ids(hits) == [first.id]
        assert hits[0].payload.ordinal == 7
        assert math.isclose(hits[0].score, 1.0, abs_tol=1e-4)

    async def test_empty_upsert_is_a_no_op(self, adapter: VectorIndex) -> None:
        await adapter.upsert(A, [])
        assert await adapter.count(A) == 0

    async def test_search_sees_only_the_tenants_points(self, adapter: VectorIndex) -> None:
        a_near, a_far = point(axis(0)), point(axis(1))
        b_only = point(axis(2))
        await adapter.upsert(A, [a_near, a_far])
        await adapter.upsert(B, [b_only])

        assert ids(await adapter.search(B, SearchQuery(dense=axis(0)))) == [b_only.id]
        assert set(ids(await adapter.search(A, SearchQuery(dense=axis(2))))) == {a_near.id, a_far.id}
        sparse_query = SearchQuery(dense=[], sparse=sparse(t5=1.0))
        await adapter.upsert(A, [point(axis(3), sparse_vector=sparse(t5=1.0))])
        assert await adapter.search(B, sparse_query) == []

    async def test_count_is_per_tenant_and_document(self, adapter: VectorIndex) -> None:
        await adapter.upsert(A, [point(axis(0), DOC_1), point(axis(1), DOC_1), point(axis(2), DOC_2)])
        await adapter.upsert(B, [point(axis(0), DOC_1)])

        assert await adapter.count(A) == 3
        assert await adapter.count(A, DOC_1) == 2
        assert await adapter.count(A, DOC_2) == 1
        assert await adapter.count(B) == 1
        assert await adapter.count(B, DOC_2) == 0

    async def test_reusing_another_tenants_point_id_leaves_it_alone(self, adapter: VectorIndex) -> None:
        original = point(axis(0))
        await adapter.upsert(A, [original])
        await adapter.upsert(B, [VectorPoint(id=original.id, dense=axis(1), payload=payload(DOC_2))])

        hits = await adapter.search(A, SearchQuery(dense=axis(0)))
        assert ids(hits) == [original.id]
        assert hits[0].payload == original.payload
        assert await adapter.count(B) == 1

    async def test_delete_document_removes_only_that_document(self, adapter: VectorIndex) -> None:
        keep = point(axis(1), DOC_2)
        await adapter.upsert(A, [point(axis(0), DOC_1), point(axis(2), DOC_1), keep])

        await adapter.delete_document(A, DOC_1)

        assert await adapter.count(A) == 1
        assert ids(await adapter.search(A, SearchQuery(dense=axis(0)))) == [keep.id]
        await adapter.delete_document(A, DOC_1)  # idempotent
        await adapter.delete_document(A, DocumentId("never-indexed"))
        assert await adapter.count(A) == 1

    async def test_delete_document_never_crosses_tenants(self, adapter: VectorIndex) -> None:
        await adapter.upsert(A, [point(axis(0), DOC_1), point(axis(1), DOC_2)])
        await adapter.upsert(B, [point(axis(0), DOC_1)])

        await adapter.delete_document(B, DOC_2)  # only A has DOC_2
        await adapter.delete_document(B, DOC_1)  # both have DOC_1

        assert await adapter.count(A, DOC_1) == 1
        assert await adapter.count(A, DOC_2) == 1
        assert await adapter.count(B) == 0

    async def test_delete_tenant_never_crosses_tenants(self, adapter: VectorIndex) -> None:
        await adapter.upsert(A, [point(axis(0)), point(axis(1))])
        await adapter.upsert(B, [point(axis(0))])

        await adapter.delete_tenant(B)

        assert await adapter.count(B) == 0
        assert await adapter.search(B, SearchQuery(dense=axis(0))) == []
        assert await adapter.count(A) == 2
        await adapter.delete_tenant(B)  # idempotent
        await adapter.delete_tenant(TenantId("never-seen"))
        assert await adapter.count(A) == 2

    async def test_sparse_only_search_ranks_the_rare_term_first(self, adapter: VectorIndex) -> None:
        rare = point(axis(0), sparse_vector=sparse(t1=1.0, t99=1.0))
        common = [point(axis(0), ordinal=i, sparse_vector=sparse(t1=1.0, t2=1.0)) for i in range(1, 5)]
        unrelated = point(axis(0), ordinal=9, sparse_vector=sparse(t3=1.0))
        no_sparse = point(axis(0), ordinal=10)
        await adapter.upsert(A, [*common, rare, unrelated, no_sparse])

        hits = await adapter.search(A, SearchQuery(dense=[], sparse=sparse(t1=1.0, t99=1.0)))

        assert ids(hits)[0] == rare.id
        assert set(ids(hits)) == {rare.id, *(p.id for p in common)}
        assert_best_first(hits)
        assert hits[0].score > hits[1].score
        assert hits[0].payload == rare.payload

    async def test_hybrid_search_fuses_both_signals(self, adapter: VectorIndex) -> None:
        both = point(axis(0), sparse_vector=sparse(t99=2.0))  # top in dense and in sparse
        dense_only = point(dense((0, 1.0), (1, 0.3)), sparse_vector=sparse(t5=1.0))
        filler = point(dense((0, 0.1), (3, 1.0)), sparse_vector=sparse(t4=1.0))
        sparse_only = point(axis(7), sparse_vector=sparse(t99=1.0, t6=1.0))  # last in dense
        await adapter.upsert(A, [sparse_only, filler, dense_only, both])

        hits = await adapter.search(A, SearchQuery(dense=axis(0), sparse=sparse(t99=1.0), limit=10))

        found = ids(hits)
        assert set(found) == {both.id, dense_only.id, filler.id, sparse_only.id}
        assert found[0] == both.id
        assert found.index(sparse_only.id) < found.index(filler.id)
        assert_best_first(hits)

    @pytest.mark.parametrize("mode", ["dense", "sparse", "hybrid"])
    async def test_limit_is_respected(self, adapter: VectorIndex, mode: str) -> None:
        await adapter.upsert(
            A, [point(axis(i), sparse_vector=sparse(t1=1.0, **{f"t{i + 10}": 1.0})) for i in range(6)]
        )
        vector = [] if mode == "sparse" else axis(0)
        terms = None if mode == "dense" else sparse(t1=1.0)

        hits = await adapter.search(A, SearchQuery(dense=vector, sparse=terms, limit=2))

        assert len(hits) == 2
        assert_best_first(hits)

    @pytest.mark.parametrize("mode", ["dense", "sparse", "hybrid"])
    async def test_hidden_documents_are_not_found_and_the_limit_is_filled_by_others(
        self, adapter: VectorIndex, mode: str
    ) -> None:
        hidden = [point(axis(0), document=DOC_1, ordinal=i, sparse_vector=sparse(t1=2.0)) for i in range(3)]
        shown = [
            point(dense((0, 0.5), (i + 1, 1.0)), document=DOC_2, ordinal=i, sparse_vector=sparse(t1=1.0))
            for i in range(3)
        ]
        await adapter.upsert(A, [*hidden, *shown])
        vector = [] if mode == "sparse" else axis(0)
        terms = None if mode == "dense" else sparse(t1=1.0)

        hits = await adapter.search(
            A, SearchQuery(dense=vector, sparse=terms, limit=3, hidden_documents=frozenset({DOC_1}))
        )

        assert {hit.payload.document_id for hit in hits} == {DOC_2}
        assert len(hits) == 3
        unhidden = await adapter.search(A, SearchQuery(dense=vector, sparse=terms, limit=3))
        assert {hit.payload.document_id for hit in unhidden} == {DOC_1}  # the hidden ones rank first

    async def test_wrong_dimension_is_invalid_input(self, adapter: VectorIndex) -> None:
        good = point(axis(0))
        short = VectorPoint(id=str(uuid.uuid4()), dense=[1.0] * 7, payload=payload())
        with pytest.raises(InvalidInput):
            await adapter.upsert(A, [good, short])
        assert await adapter.count(A) == 0  # nothing half-written
        with pytest.raises(InvalidInput):
            await adapter.search(A, SearchQuery(dense=[1.0] * 9))
        with pytest.raises(InvalidInput):
            await adapter.search(A, SearchQuery(dense=[1.0] * 9, sparse=sparse(t1=1.0)))

    async def test_a_query_without_vectors_is_invalid_input(self, adapter: VectorIndex) -> None:
        with pytest.raises(InvalidInput):
            await adapter.search(A, SearchQuery(dense=[]))

    async def test_pictures_are_found_by_their_image_vector_only(self, adapter: VectorIndex) -> None:
        text = point(axis(0), sparse_vector=sparse(t1=1.0))
        near, far = picture([1.0, 0.1, 0.0, 0.0], ordinal=101), picture([0.0, 0.0, 1.0, 0.0], ordinal=102)
        await adapter.upsert(A, [text, far, near])

        assert ids(await adapter.search(A, SearchQuery(dense=axis(0)))) == [text.id]
        assert ids(await adapter.search(A, SearchQuery(dense=[], sparse=sparse(t1=1.0)))) == [text.id]
        by_image = await adapter.search(A, SearchQuery(dense=[], image=[1.0, 0.0, 0.0, 0.0]))
        assert ids(by_image) == [near.id, far.id]
        assert by_image[0].payload == near.payload
        assert by_image[0].score == pytest.approx(1 / math.sqrt(1.01), abs=1e-3)

    async def test_an_image_query_is_fused_with_dense_and_sparse(self, adapter: VectorIndex) -> None:
        text = point(axis(0), sparse_vector=sparse(t1=1.0))
        other_text = point(axis(5), ordinal=1, sparse_vector=sparse(t2=1.0))
        shown = picture([0.0, 1.0, 0.0, 0.0])
        await adapter.upsert(A, [text, other_text, shown])

        query = SearchQuery(dense=axis(0), sparse=sparse(t1=1.0), image=[0.0, 1.0, 0.0, 0.0], limit=10)
        found = ids(await adapter.search(A, query))

        assert set(found) == {text.id, other_text.id, shown.id}
        assert found[0] == text.id and found.index(shown.id) < found.index(other_text.id)

    async def test_image_search_sees_only_the_tenants_pictures(self, adapter: VectorIndex) -> None:
        mine, theirs = picture([1.0, 0.0, 0.0, 0.0]), picture([1.0, 0.0, 0.0, 0.0])
        await adapter.upsert(A, [mine])
        await adapter.upsert(B, [theirs])

        assert ids(await adapter.search(A, SearchQuery(dense=[], image=[1.0, 0.0, 0.0, 0.0]))) == [mine.id]
        await adapter.delete_document(A, DOC_1)
        assert await adapter.search(A, SearchQuery(dense=[], image=[1.0, 0.0, 0.0, 0.0])) == []
        assert await adapter.count(B) == 1

    async def test_bad_pictures_are_invalid_input(self, adapter: VectorIndex) -> None:
        good = picture([1.0, 0.0, 0.0, 0.0])
        wrong_size = VectorPoint(id="w", dense=[], payload=payload(), image=[1.0] * 5)
        no_vector = VectorPoint(id="n", dense=[], payload=payload())
        for bad in (wrong_size, no_vector):
            with pytest.raises(InvalidInput):
                await adapter.upsert(A, [good, bad])
        assert await adapter.count(A) == 0
        with pytest.raises(InvalidInput):
            await adapter.search(A, SearchQuery(dense=[], image=[1.0] * 3))

    async def test_scroll_pages_through_the_tenants_points_only(self, adapter: VectorIndex) -> None:
        mine = [point(axis(i % 8), ordinal=i) for i in range(7)]
        shown = picture([0.0, 0.0, 1.0, 0.0])
        await adapter.upsert(A, [*mine, shown])
        await adapter.upsert(B, [point(axis(0), ordinal=50)])

        seen: list[StoredPoint] = []
        cursor: str | None = None
        pages = 0
        while True:
            page, cursor = await adapter.scroll(A, after=cursor, limit=3)
            assert len(page) <= 3
            seen += page
            pages += 1
            if cursor is None:
                break

        assert pages == 3
        assert sorted(p.id for p in seen) == sorted(p.id for p in [*mine, shown])
        by_id = {p.id: p for p in seen}
        assert by_id[mine[4].id].payload == mine[4].payload and by_id[mine[4].id].image is None
        assert by_id[shown.id].image == pytest.approx([0.0, 0.0, 1.0, 0.0])
        assert by_id[shown.id].payload == shown.payload

    async def test_scroll_of_an_empty_tenant_and_bad_pages(self, adapter: VectorIndex) -> None:
        await adapter.upsert(B, [point(axis(0))])
        assert await adapter.scroll(A) == ([], None)
        with pytest.raises(InvalidInput):
            await adapter.scroll(B, limit=0)
