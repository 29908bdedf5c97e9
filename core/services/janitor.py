"""The janitor: finishes what a failure left half done. Deletions left `deleting` are completed, and
originals stored by uploads that never got their document row are removed. It runs at start and
then at an interval, and is safe to run at any time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..errors import NotFound, RagloomError
from ..models import DocumentId, DocumentStatus, TenantId, TenantStatus
from ..ports import BlobStore
from .documents import DocumentService
from .transactions import UnitsOfWork

log = logging.getLogger(__name__)
PAGE = 500


@dataclass(frozen=True, slots=True)
class SweepReport:
    deletions_finished: int = 0
    orphan_blobs_removed: int = 0


class Janitor:
    def __init__(
        self, *, units: UnitsOfWork, documents: DocumentService, blobs: BlobStore, orphan_grace_seconds: float
    ) -> None:
        self._units = units
        self._documents = documents
        self._blobs = blobs
        self._grace = timedelta(seconds=orphan_grace_seconds)

    async def sweep(self) -> SweepReport:
        finished = orphans = 0
        offset = 0
        while True:
            async with self._units(None, read_only=True) as transaction:
                tenants = await transaction.tenants.list(limit=PAGE, offset=offset)
            for tenant in tenants:
                if tenant.status == TenantStatus.DELETED:
                    continue  # a retired tenant's purge is finished by deleting it again
                try:
                    finished += await self._finish_deletions(tenant.id)
                    orphans += await self._remove_orphans(tenant.id)
                except RagloomError as error:  # one tenant's trouble does not stop the others
                    log.warning("janitor: tenant %s: %s", tenant.id, error)
            if len(tenants) < PAGE:
                break
            offset += PAGE
        if finished or orphans:
            log.info("janitor: %d deletions finished, %d orphan originals removed", finished, orphans)
        return SweepReport(finished, orphans)

    async def _finish_deletions(self, tenant: TenantId) -> int:
        async with self._units(tenant, read_only=True) as transaction:
            doomed = await transaction.documents.list(tenant, limit=PAGE, statuses=[DocumentStatus.DELETING])
        for document in doomed:
            await self._documents.finish_delete(document)
        return len(doomed)

    async def _remove_orphans(self, tenant: TenantId) -> int:
        """Originals older than the grace period whose document row does not exist (an upload that
        failed after storing its bytes, and whose own clean-up failed too)."""
        cutoff = datetime.now(UTC) - self._grace
        removed = 0
        async for key, written in self._blobs.keys(tenant, "documents/"):
            parts = key.split("/")
            if written > cutoff or len(parts) != 3:
                continue
            async with self._units(tenant, read_only=True) as transaction:
                try:
                    await transaction.documents.get(tenant, DocumentId(parts[1]))
                    continue
                except NotFound:
                    pass
            await self._blobs.delete(tenant, key)
            removed += 1
        return removed
