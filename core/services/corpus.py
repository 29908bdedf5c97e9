"""The corpus version: bumped inside the transaction of every event that changes what a tenant's
searches can find, so anything built on the old corpus (cached answers) can tell it is stale."""

from __future__ import annotations

from ..events import DomainEvent
from .transactions import Transaction


async def bump_corpus_version(event: DomainEvent, transaction: Transaction) -> None:
    if event.corpus_changed and event.tenant_id is not None:
        await transaction.tenants.bump_corpus_version(event.tenant_id)
