"""Faults a test injects into a real `ragloom` process (RAGLOOM_FAULT_INJECTION): places where the
process kills itself with SIGKILL, to show that a crash there loses nothing. Never set in production.

- `kill-before-publish`: after a unit of work commits jobs, before they are published to the queue;
- `kill-after-upsert`: after a job wrote points to the vector index, before its document is ready.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Sequence
from typing import Any

from ragloom.core.models import OutboxEntry, TenantId, VectorPoint
from ragloom.core.services.transactions import UnitsOfWork

log = logging.getLogger(__name__)
FAULT_INJECTION = "RAGLOOM_FAULT_INJECTION"
KILL_BEFORE_PUBLISH = "kill-before-publish"
KILL_AFTER_UPSERT = "kill-after-upsert"


def injected_fault() -> str | None:
    """The fault this process was started with, if any; ValueError for an unknown one."""
    fault = os.environ.get(FAULT_INJECTION)
    if fault is None:
        return None
    if fault not in (KILL_BEFORE_PUBLISH, KILL_AFTER_UPSERT):
        known = f"{KILL_BEFORE_PUBLISH}, {KILL_AFTER_UPSERT}"
        raise ValueError(f"{FAULT_INJECTION}={fault!r} is not a known fault ({known})")
    log.warning("%s=%s: this process will kill itself there", FAULT_INJECTION, fault)
    return fault


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class KilledBeforePublishing(UnitsOfWork):
    """The fault the outbox exists for: the process dies after the commit, before the publish."""

    async def publish_jobs(self, entries: Sequence[OutboxEntry]) -> None:
        if entries:
            _die()


class KilledAfterUpsert:
    """A vector index whose process dies once the first points are written (a job half done)."""

    def __init__(self, index: Any) -> None:
        self._index = index

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)

    async def upsert(self, tenant: TenantId, points: Sequence[VectorPoint]) -> None:
        await self._index.upsert(tenant, points)
        _die()
