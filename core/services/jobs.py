"""Jobs of every kind, each run by the handler registered for its kind."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from ..models import Job, JobKind
from ..ports import JobRunner

log = logging.getLogger(__name__)


class JobDispatcher:
    """The one runner a job queue is given: it hands each job to its kind's handler."""

    def __init__(self, handlers: Mapping[JobKind, JobRunner]) -> None:
        self._handlers = dict(handlers)

    async def __call__(self, job: Job) -> object:
        handler = self._handlers.get(job.kind)
        if handler is None:  # a kind this process was not given a handler for
            log.error("no handler for %s jobs here; the job for %s is dropped", job.kind.value, job.subject)
            return "unhandled"
        return await handler(job)
