"""Refused authentications, aggregated: one audit record per kind, source and reason per window, with
the count, so a client hammering the service cannot grow the append-only trail without bound."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

from ..events import DomainEvent
from ..models import Caller
from .transactions import UnitsOfWork


class RefusalLedger:
    def __init__(
        self,
        units: UnitsOfWork,
        *,
        window_seconds: float = 60.0,
        max_open: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._units = units
        self._window = window_seconds
        self._max_open = max_open
        self._clock = clock
        self._open: dict[Any, tuple[float, int]] = {}

    async def record(self, event: Any) -> None:
        """Count a refusal event (it has `count` and `window_seconds` fields); the window's record is
        written when the window ends (or the ledger is flushed)."""
        key = dataclasses.replace(event, caller=Caller(event.caller.actor), count=1, window_seconds=0)
        now = self._clock()
        started, count = self._open.get(key, (now, 0))
        if now - started >= self._window:
            await self._write(key, started, count)
            started, count = now, 0
        self._open[key] = (started, count + 1)
        if len(self._open) > self._max_open:
            oldest = min(self._open, key=lambda k: self._open[k][0])
            await self._write(oldest, *self._open.pop(oldest))

    async def flush(self, *, only_ended: bool = False) -> int:
        """Write the open windows (those that have ended, with `only_ended`); return how many."""
        now = self._clock()
        written = 0
        for key, (started, count) in list(self._open.items()):
            if only_ended and now - started < self._window:
                continue
            del self._open[key]
            await self._write(key, started, count)
            written += 1
        return written

    async def _write(self, key: Any, started: float, count: int) -> None:
        seconds = max(1, round(self._clock() - started))
        event: DomainEvent = dataclasses.replace(key, count=count, window_seconds=seconds)
        await self._units.publish(event)
