"""A worker of one modality's queue: a Taskiq worker on ragloom's broker (taskiq_broker), until
SIGTERM or cancelled."""

from __future__ import annotations

import asyncio
import contextlib
import faulthandler
import os
import signal
from typing import Any

from ragloom.core.errors import InvalidInput
from ragloom.core.models import Modality

from ..bootstrap import Runtime, open_runtime
from ..console import err
from ..observability import configure_logging, install_observability
from ..settings import Settings
from ..taskiq_broker import RagloomBroker, separate_queue, serve


def parse_modality(raw: str) -> Modality:
    try:
        return Modality(raw)
    except ValueError:
        valid = ", ".join(m.value for m in Modality)
        raise InvalidInput(f"unknown modality {raw!r}; valid: {valid}") from None


def retries(settings: Settings) -> dict[str, Any]:
    """Taskiq's retry middleware as ingestion is configured: attempts and the first backoff."""
    return {
        "attempts": settings.ingest.max_attempts,
        "backoff_seconds": settings.ingest.retry_backoff_seconds,
    }


async def consume(runtime: Runtime, modality: Modality, max_jobs: int | None = None) -> None:
    """Run the modality's jobs in this process, with an open runtime, as a Taskiq worker (at most
    `max_jobs` at once) until cancelled; ConfigError (from Taskiq's start-up hook) for a queue
    whose jobs run inside `ragloom serve`."""
    broker = RagloomBroker(
        lambda: contextlib.nullcontext(runtime), modality, max_jobs, **retries(runtime.settings)
    )
    await serve(broker, asyncio.Event(), max_jobs)


async def check_worker_config(settings: Settings, modality: str) -> None:
    """Before a pool starts: the modality exists, the adapters are valid, and the queue is one that
    separate workers can consume (opening only the queue, no model)."""
    async with open_runtime(settings, modality=parse_modality(modality)) as runtime:
        await separate_queue(runtime)


async def run_worker(settings: Settings, modality: str, max_jobs: int | None = None) -> int:
    """Consume one modality's queue in this process, opening only the adapters (and loading only
    the models) that modality's jobs need; SIGTERM stops it after its running jobs are cancelled,
    SIGUSR1 prints every thread's stack to stderr."""
    chosen = parse_modality(modality)
    configure_logging(settings.telemetry.log_format, settings.telemetry.log_level)
    install_observability(settings.telemetry)  # spans of each ingestion stage
    port = settings.telemetry.metrics_port
    if port is not None and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:  # alone, not in a pool
        from prometheus_client import start_http_server

        start_http_server(port)
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1 <pid>`: where is it stuck?
    broker = RagloomBroker(
        lambda: open_runtime(settings, modality=chosen), chosen, max_jobs, **retries(settings)
    )
    finish = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, finish.set)
    err.print(f"ragloom worker (pid {os.getpid()}) consuming {chosen.value} jobs (a Taskiq worker)")
    await serve(broker, finish, max_jobs)
    return 0
