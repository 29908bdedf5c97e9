"""Reindexing: move a tenant's points from the embedding space it searches to the configured one.

Stored chunk text is read back from the index page by page and embedded again (dense and sparse);
pictures keep their image vectors. Nothing is extracted again. After each page the cursor is saved
on the tenant's row, so a crashed run goes on where it stopped. Searches switch to the new space only
once every page is in it; the tenant's points in the old space are then removed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ..chunking import ChunkingPolicy, embedding_text
from ..errors import NotFound
from ..events import TenantReindexed
from ..models import SYSTEM_CALLER, Caller, Job, StoredPoint, TenantId, TenantStatus, VectorPoint
from ..ports import SparseEncoder
from .spaces import EmbeddingSpace, Spaces
from .transactions import UnitsOfWork

Progress = Callable[[int, int], None]  # (points done, points in all)


@dataclass(frozen=True, slots=True)
class Reindexed:
    """What one tenant's reindex did: the spaces it moved between (equal: nothing to do)."""

    tenant: TenantId
    previous: str
    space: str
    points: int


class Reindexer:
    def __init__(
        self,
        *,
        spaces: Spaces,
        units: UnitsOfWork,
        chunking: ChunkingPolicy,
        sparse: SparseEncoder | None = None,
        page_size: int = 256,
    ) -> None:
        self._spaces = spaces
        self._units = units
        self._chunking = chunking
        self._sparse = sparse
        self._page_size = page_size

    async def waiting(self) -> list[TenantId]:
        """The tenants whose searches still use another space than the configured one."""
        current = self._spaces.current.name
        waiting: list[TenantId] = []
        offset = 0
        while True:
            async with self._units(None, read_only=True) as transaction:
                page = await transaction.tenants.list(limit=500, offset=offset)
            waiting += [t.id for t in page if t.embedding_space not in (None, current)]
            if len(page) < 500:
                return waiting
            offset += len(page)

    async def queue(self, tenant: TenantId) -> bool:
        """Queue the tenant's reindex as a job (written with the read of its row, so it commits or
        not with it) when it searches another space than the configured one; whether it was queued.
        NotFound for an unknown or deleted tenant."""
        current = self._spaces.current.name
        async with self._units(tenant) as transaction:
            row = await transaction.tenants.get(tenant)
            if row.status == TenantStatus.DELETED:
                raise NotFound(f"tenant {tenant} not found")
            if row.embedding_space in (None, current):
                return False
            await transaction.submit(Job.reindex_tenant(tenant))
            await transaction.commit()
        return True

    async def run_job(self, job: Job) -> str:
        """A queued reindex (it goes on from the tenant's saved cursor, if a run stopped)."""
        try:
            moved = await self.reindex(job.tenant_id)
        except NotFound:
            return "gone"
        return f"moved {moved.points} points from {moved.previous} to {moved.space}"

    async def reindex(
        self,
        tenant: TenantId,
        *,
        progress: Progress | None = None,
        page_size: int | None = None,
        caller: Caller = SYSTEM_CALLER,
    ) -> Reindexed:
        """Move the tenant into the configured space (going on from a saved cursor), `page_size`
        points at a time; NotFound for an unknown tenant. A tenant already there is left as it is."""
        async with self._units(tenant, read_only=True) as transaction:
            cursor = (await transaction.tenants.get(tenant)).reindex_cursor
        source, target = await self._spaces.searched(tenant), self._spaces.current
        if source is target:
            return Reindexed(tenant, target.name, target.name, 0)
        total = await source.index.count(tenant)
        done = min(await target.index.count(tenant), total) if cursor else 0
        while True:
            page, cursor = await source.index.scroll(tenant, after=cursor, limit=page_size or self._page_size)
            moved = await self._moved(tenant, page, target)
            await target.index.upsert(tenant, moved)
            await self._drop_deleted_meanwhile(tenant, moved, target)
            if cursor is not None:
                await self._save(tenant, source.name, cursor)
            done = min(done + len(page), total)
            if progress is not None:
                progress(done, total)
            if cursor is None:
                break
        points = await target.index.count(tenant)
        async with self._units(tenant) as transaction:
            current = await transaction.tenants.get(tenant, for_update=True)
            await transaction.tenants.save(current.searching(target.name, datetime.now(UTC)))
            transaction.publish(
                TenantReindexed(
                    tenant_id=tenant, caller=caller, previous=source.name, space=target.name, points=points
                )
            )
            await transaction.commit()
        await source.index.delete_tenant(tenant)
        return Reindexed(tenant, source.name, target.name, points)

    async def _drop_deleted_meanwhile(
        self, tenant: TenantId, moved: Sequence[VectorPoint], target: EmbeddingSpace
    ) -> None:
        """A document deleted between the page's read and its upsert had its points removed from
        every space before ours arrived: remove those too, so no orphan stays behind."""
        documents = {point.payload.document_id for point in moved}
        if not documents:
            return
        async with self._units(tenant, read_only=True) as transaction:
            still = await transaction.documents.ready(tenant, documents)
        for document_id in documents - still:
            await target.index.delete_document(tenant, document_id)

    async def _save(self, tenant: TenantId, space: str, cursor: str) -> None:
        async with self._units(tenant) as transaction:
            try:
                current = await transaction.tenants.get(tenant, for_update=True)
            except NotFound:
                raise NotFound(f"tenant {tenant} was deleted while it was being reindexed") from None
            await transaction.tenants.save(current.searching(space, datetime.now(UTC), cursor=cursor))
            await transaction.commit()

    async def _moved(
        self, tenant: TenantId, page: Sequence[StoredPoint], target: EmbeddingSpace
    ) -> list[VectorPoint]:
        """The page's points as the target space stores them, leaving out those of documents that
        are not ready (being deleted, or being indexed now: ingestion writes those to both spaces)."""
        async with self._units(tenant, read_only=True) as transaction:
            ready = await transaction.documents.ready(tenant, {p.payload.document_id for p in page})
        kept = [p for p in page if p.payload.document_id in ready]
        texts = [
            embedding_text(p.payload.title, p.payload.text, self._chunking) for p in kept if p.image is None
        ]
        vectors = iter(await target.embedder.embed_documents(texts) if texts else [])
        sparse = iter(self._sparse.encode_documents(texts) if texts and self._sparse is not None else [])
        return [
            VectorPoint(id=p.id, dense=[], payload=p.payload, image=p.image)
            if p.image is not None
            else VectorPoint(id=p.id, dense=next(vectors), payload=p.payload, sparse=next(sparse, None))
            for p in kept
        ]
