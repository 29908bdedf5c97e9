"""Consume one modality's ingestion queue with the runtime's ingestion service until cancelled."""

from __future__ import annotations

from ragloom.contracts.errors import ConfigError
from ragloom.contracts.spec import Port
from ragloom.core.errors import InvalidInput
from ragloom.core.models import Modality

from ..bootstrap import Runtime


def parse_modality(raw: str) -> Modality:
    try:
        return Modality(raw)
    except ValueError:
        valid = ", ".join(m.value for m in Modality)
        raise InvalidInput(f"unknown modality {raw!r}; valid: {valid}") from None


async def consume(runtime: Runtime, modality: Modality) -> None:
    queue = await runtime.get(Port.JOB_QUEUE.value)
    if queue.runs_in_process:
        raise ConfigError(
            "adapters.job_queue: the in-process queue runs ingestion inside `ragloom serve`; "
            "select `redis` to run separate workers"
        )
    await runtime.start_ingestion()
    await queue.consume(modality)
