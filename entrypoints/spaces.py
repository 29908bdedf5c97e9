"""Opening the embedding spaces: the configured embedder's, and every earlier one a tenant still
searches, each with the embedder that made it (as recorded when it was first configured)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from pydantic import BaseModel

from ragloom.contracts.errors import ConfigError
from ragloom.contracts.registry import PluginRegistry
from ragloom.contracts.spec import AdapterSpec, Port
from ragloom.core.errors import Conflict
from ragloom.core.models import EmbeddingSpaceRecord
from ragloom.core.ports import TextEmbedder, VectorIndex
from ragloom.core.services.spaces import EmbeddingSpace, Spaces, space_name
from ragloom.core.services.transactions import UnitsOfWork

from .settings import validate_section


@asynccontextmanager
async def open_space_index(
    factory: Any, settings: BaseModel, embedder: TextEmbedder
) -> AsyncIterator[VectorIndex]:
    """The vector index of the embedder's space (its own collection or folder), sized for its vectors."""
    sized = settings.model_copy(update={"dense_dimension": embedder.dimension})
    async with factory(sized, space=space_name(embedder.name, embedder.dimension)) as index:
        yield index


@asynccontextmanager
async def open_spaces(
    *,
    embedder: TextEmbedder,
    index: VectorIndex,
    units: UnitsOfWork,
    registry: PluginRegistry | None,
    embedder_spec: tuple[AdapterSpec, BaseModel] | None,
    index_spec: tuple[AdapterSpec, BaseModel] | None,
) -> AsyncIterator[Spaces]:
    """Register the configured space, give it to tenants that have none yet, and open the earlier
    spaces tenants still search; closed on exit."""
    name = space_name(embedder.name, embedder.dimension)
    record = EmbeddingSpaceRecord(
        name,
        embedder_spec[0].name if embedder_spec else "",
        embedder_spec[1].model_dump(mode="json") if embedder_spec else {},
        embedder.dimension,
    )
    try:
        earlier = await _register(units, record)
    except Conflict:  # another process registered it at the same moment
        earlier = await _register(units, record)
    current = EmbeddingSpace(name, embedder, index)
    async with AsyncExitStack() as stack:
        opened = {}
        for space in earlier:
            if space is not None:
                opened[space.name] = await _open_earlier(stack, space, registry, index_spec)
        yield Spaces(current, units, opened)


async def _register(units: UnitsOfWork, record: EmbeddingSpaceRecord) -> list[EmbeddingSpaceRecord | None]:
    """Register the configured space, give it to tenants with none; the earlier spaces in use."""
    async with units(None) as transaction:
        await transaction.spaces.register(record)
        await transaction.tenants.adopt_space(record.name)
        in_use = [space for space in await transaction.spaces.in_use() if space != record.name]
        earlier = [await transaction.spaces.get(space) for space in in_use]
        await transaction.commit()
    return earlier


async def _open_earlier(
    stack: AsyncExitStack,
    space: EmbeddingSpaceRecord,
    registry: PluginRegistry | None,
    index_spec: tuple[AdapterSpec, BaseModel] | None,
) -> EmbeddingSpace:
    """An earlier space with the embedder recorded for it; ConfigError if that cannot be opened."""
    found = registry.find(Port.TEXT_EMBEDDER, space.adapter) if registry and space.adapter else None
    if found is None or index_spec is None:
        raise ConfigError(
            f"tenants still search the embedding space {space.name!r}, made by the text embedder "
            f"{space.adapter or '(unrecorded)'!r}, which is not installed: install it, or reindex "
            "those tenants with a configuration that can open it"
        )
    where = f"the embedding space {space.name!r} (recorded settings of {space.adapter})"
    embedder: TextEmbedder = await stack.enter_async_context(
        found.factory(validate_section(found.settings, dict(space.settings), where))
    )
    if embedder.dimension != space.dimension:
        raise ConfigError(
            f"{where}: the embedder now makes {embedder.dimension}-d vectors, not {space.dimension}"
        )
    spec, settings = index_spec
    sized = settings.model_copy(update={"dense_dimension": space.dimension})
    index: VectorIndex = await stack.enter_async_context(spec.factory(sized, space=space.name))
    return EmbeddingSpace(space.name, embedder, index)
