"""Progress of long work, reported from deep inside it (an extractor, a transcriber's thread, a
sandboxed process) without a callback threaded through every port: whoever waits for the work
sets a reporter for its context, and code that knows how far it is calls `report_progress`.

Threads started with `asyncio.to_thread` inherit the context; code handing work to an executor
itself runs it in `contextvars.copy_context()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Reporter = Callable[[float], None]
_reporter: ContextVar[Reporter | None] = ContextVar("ragloom_progress", default=None)


def report_progress(share: float) -> None:
    """Say that `share` (0..1) of the current work is done; nothing happens if nobody listens."""
    reporter = _reporter.get()
    if reporter is not None:
        reporter(min(max(float(share), 0.0), 1.0))


@contextmanager
def reporting_to(reporter: Reporter | None) -> Iterator[None]:
    """Within the block (and the threads it starts), reports go to `reporter`."""
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)


@contextmanager
def stage(start: float, end: float) -> Iterator[None]:
    """Within the block, a report of 0..1 means `start`..`end` of the enclosing work."""
    outer = _reporter.get()
    if outer is None:
        yield
        return
    with reporting_to(lambda share: outer(start + (end - start) * share)):
        yield
