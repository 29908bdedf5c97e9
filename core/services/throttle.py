"""Throttling of failed authentication: after a few free failures, each further one makes the key
(a client address, a user name, a key id) wait twice as long before it may try again."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass
class _Record:
    failures: int
    blocked_until: float


class FailureThrottle:
    def __init__(
        self,
        *,
        free_failures: int = 5,
        base_seconds: float = 1.0,
        max_seconds: float = 300.0,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._free = free_failures
        self._base = base_seconds
        self._max = max_seconds
        self._max_keys = max_keys
        self._clock = clock
        self._records: OrderedDict[Hashable, _Record] = OrderedDict()

    def retry_after(self, *keys: Hashable) -> float:
        """Seconds until every key may try again (0: now)."""
        now = self._clock()
        waits = [self._records[key].blocked_until - now for key in keys if key in self._records]
        return max([0.0, *waits])

    def failed(self, *keys: Hashable) -> None:
        now = self._clock()
        for key in keys:
            record = self._records.pop(key, None) or _Record(0, now)
            record.failures += 1
            beyond = record.failures - self._free
            if beyond > 0:
                record.blocked_until = now + min(self._max, self._base * 2 ** (beyond - 1))
            self._records[key] = record  # most recent last
        while len(self._records) > self._max_keys:  # bounded memory: forget the stalest
            self._records.popitem(last=False)

    def succeeded(self, *keys: Hashable) -> None:
        for key in keys:
            self._records.pop(key, None)
