"""Telemetry the use cases emit without knowing who listens: spans around their stages and counts of
what happened. The composition root installs an `Observer` (Prometheus metrics, OpenTelemetry traces);
without one, both are no-ops. Attributes and labels carry ids, names and counts, never content.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Protocol

Attribute = str | int | float | bool

# What the use cases count (metric names; the observer maps them to its own).
INGESTION = "ingestion"  # labels: modality, outcome (ready, failed)
CACHE_LOOKUP = "cache_lookup"  # labels: result (hit, miss)
LLM_TOKENS = "llm_tokens"  # labels: model, kind (prompt, completion); value: tokens
LLM_SECONDS = "llm_seconds"  # labels: model; value: seconds from request to the last token


class Observer(Protocol):
    """Where spans and measurements go."""

    def span(
        self, name: str, attributes: Mapping[str, Attribute], *, current: bool = True
    ) -> contextlib.AbstractContextManager[None]:
        """A span around the block, a child of the current one; an exception marks it failed. With
        `current=False` it does not become the current span (around a block that yields, where
        the context may not be the same at its end)."""

    def record(self, metric: str, value: float, labels: Mapping[str, str]) -> None:
        """Add `value` to a counter, or observe it in a histogram (`LLM_SECONDS`)."""


class _Silent:
    @contextlib.contextmanager
    def span(self, name: str, attributes: Mapping[str, Attribute], *, current: bool = True) -> Iterator[None]:
        yield

    def record(self, metric: str, value: float, labels: Mapping[str, str]) -> None:
        return None


_observer: Observer = _Silent()


def install(observer: Observer | None) -> None:
    """Send telemetry to `observer` from now on, in this process (None: nowhere)."""
    global _observer
    _observer = observer if observer is not None else _Silent()


def span(name: str, **attributes: Attribute) -> contextlib.AbstractContextManager[None]:
    return _observer.span(name, attributes)


def detached_span(name: str, **attributes: Attribute) -> contextlib.AbstractContextManager[None]:
    """A span that does not become the current one: for a block that yields to its caller."""
    return _observer.span(name, attributes, current=False)


def record(metric: str, value: float = 1, **labels: str) -> None:
    _observer.record(metric, value, labels)
