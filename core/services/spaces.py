"""Embedding spaces: each text embedder's vectors live in a collection of their own, named by the
model and the dimension, so changing the embedder never mixes two models' vectors.

A tenant searches the space recorded on its row. After the configured embedder changes, tenants
not yet reindexed keep searching their earlier space (opened with the embedder that made it), while
new documents are written to both; `ragloom reindex` moves them over one by one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import NotFound
from ..models import DocumentId, TenantId
from ..ports import TextEmbedder, VectorIndex
from .transactions import UnitsOfWork


def space_name(model: str, dimension: int) -> str:
    """The name of an embedder's space (and the suffix of its collection): model slug and dimension."""
    slug = re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-")[:48].strip("-") or "model"
    return f"{slug}-{dimension}"


@dataclass(frozen=True, slots=True)
class EmbeddingSpace:
    """One space: its name, the embedder that makes its vectors and the index that holds them."""

    name: str
    embedder: TextEmbedder
    index: VectorIndex


class Spaces:
    """The configured space (`current`) and the earlier ones some tenants still search.

    With no earlier space open, the usual case, every tenant uses the current one and nothing is read.
    Deletes and counts go to every open space (a PointRemover over all of them).
    """

    def __init__(
        self,
        current: EmbeddingSpace,
        units: UnitsOfWork,
        earlier: Mapping[str, EmbeddingSpace] | None = None,
    ) -> None:
        self.current = current
        self._units = units
        self._earlier = {name: space for name, space in (earlier or {}).items() if name != current.name}

    @property
    def all(self) -> list[EmbeddingSpace]:
        return [self.current, *self._earlier.values()]

    async def searched(self, tenant: TenantId) -> EmbeddingSpace:
        """The space the tenant's searches use now (read on each call while a move is under way, so a
        reindex finished by another process takes effect at once)."""
        if not self._earlier:
            return self.current
        async with self._units(tenant, read_only=True) as transaction:
            try:
                name = (await transaction.tenants.get(tenant)).embedding_space
            except NotFound:
                return self.current
        return self._earlier.get(name or "", self.current)

    async def written(self, tenant: TenantId) -> list[EmbeddingSpace]:
        """The spaces a new document of the tenant goes to: the current one, and the one the tenant
        still searches if that is another (so the tenant finds it before and after its move)."""
        searched = await self.searched(tenant)
        return [self.current] if searched is self.current else [self.current, searched]

    async def delete_document(self, tenant: TenantId, document_id: DocumentId) -> None:
        for space in self.all:
            await space.index.delete_document(tenant, document_id)

    async def delete_tenant(self, tenant: TenantId) -> None:
        for space in self.all:
            await space.index.delete_tenant(tenant)

    async def count(self, tenant: TenantId, document_id: DocumentId | None = None) -> int:
        """Points summed over the spaces (a tenant part-way through a move has points in two)."""
        return sum([await space.index.count(tenant, document_id) for space in self.all])
