"""Storing questions and answers (core.services.exchanges): concurrent exchanges share transactions,
and one that cannot be stored fails alone."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import pytest

from ragloom.adapters.memory.metadata import InMemoryMetadataStore
from ragloom.adapters.memory.signer import HmacSigner
from ragloom.core.errors import NotFound
from ragloom.core.events import QuestionAnswered
from ragloom.core.models import Caller, ChatId, TenantId
from ragloom.core.services.audit import AuditRecorder, AuditTrail
from ragloom.core.services.exchanges import Exchange, ExchangeWriter
from ragloom.core.services.transactions import DomainEvent, EventBus, UnitsOfWork

A, B = TenantId("tenant-a"), TenantId("tenant-b")


class CountingUnits(UnitsOfWork):
    """Counts the units of work opened for writing."""

    opened = 0

    @asynccontextmanager
    async def __call__(self, scope, *, read_only=False):
        self.opened += not read_only
        async with super().__call__(scope, read_only=read_only) as transaction:
            yield transaction


@pytest.fixture
def units_and_trail():
    signer, bus = HmacSigner(), EventBus()
    bus.within(DomainEvent, AuditRecorder(signer).on_event)
    units = CountingUnits(InMemoryMetadataStore(), bus)
    return units, AuditTrail(signer, units)


def _answered(tenant: TenantId, n: int) -> Exchange:
    event = QuestionAnswered(
        tenant_id=tenant,
        caller=Caller("key:rlk_0", f"req-{n}"),
        question_digest=f"{n:064x}",
        answer_chars=n,
        cited_documents=(),
        no_answer=False,
    )
    return Exchange(tenant, event)


async def test_concurrent_exchanges_share_transactions_and_keep_their_order(units_and_trail):
    units, trail = units_and_trail
    writer = ExchangeWriter(units)
    await asyncio.gather(*(writer.store(_answered(A if n % 2 else B, n)) for n in range(40)))
    assert units.opened < 10, f"{units.opened} transactions for 40 exchanges"
    for tenant, first in ((A, 1), (B, 0)):
        records = [r async for r in trail.records(tenant)]
        assert [r.details["answer_chars"] for r in records] == list(range(first, 40, 2))
        assert (await trail.verify(tenant)).ok


async def test_an_exchange_that_cannot_be_stored_fails_alone(units_and_trail):
    units, trail = units_and_trail
    writer = ExchangeWriter(units)
    lost_chat = Exchange(A, _answered(A, 99).event, ChatId("no-such-chat"), ())
    results = await asyncio.gather(
        *(writer.store(_answered(A, n)) for n in range(3)),
        writer.store(lost_chat),
        *(writer.store(_answered(A, n)) for n in range(3, 6)),
        return_exceptions=True,
    )
    assert isinstance(results[3], NotFound)
    assert [r for i, r in enumerate(results) if i != 3] == [None] * 6
    stored = [r.details["answer_chars"] async for r in trail.records(A)]
    assert sorted(stored) == [0, 1, 2, 3, 4, 5]
