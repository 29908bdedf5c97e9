"""`ragloom worker --workers N`: a prefork pool for one modality's queue.

This process only supervises. Each of the N worker processes opens its own runtime (so it loads its
models once) and runs at most `max_jobs` jobs at once; one that dies (killed, out of memory) is
replaced, after a pause if it keeps dying at start. SIGINT or SIGTERM stops the workers with
SIGTERM, which cancels their running jobs; the queue hands those to a worker again later.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..console import err

QUICK_DEATH_SECONDS = 10  # a worker that dies sooner than this after its start is crash-looping
MAX_PAUSE_SECONDS = 30
STOP_GRACE_SECONDS = 30
CONFIG_ERROR = 2  # the exit code of a worker that found its configuration wrong


def _work(config: Path | None, modality: str, max_jobs: int | None) -> None:
    """A worker process: Ctrl-C in the terminal is for the supervisor, which stops us with SIGTERM."""
    import asyncio

    from ..settings import load_settings
    from .consumer import run_worker

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise SystemExit(asyncio.run(run_worker(load_settings(config), modality, max_jobs)))


class _Slot:
    def __init__(self, number: int) -> None:
        self.number = number
        self.process: Any = None
        self.started = 0.0
        self.quick_deaths = 0


def run_pool(
    config: Path | None, modality: str, workers: int, max_jobs: int | None, metrics_port: int | None = None
) -> int:
    """Keep `workers` worker processes running until SIGINT or SIGTERM; return the exit code. With
    `metrics_port`, serve the workers' Prometheus metrics, summed, on that port."""
    with _pool_metrics(metrics_port):
        return _supervise(config, modality, workers, max_jobs)


@contextlib.contextmanager
def _pool_metrics(port: int | None) -> Iterator[None]:
    """Prometheus' multiprocess mode: the workers (started after this) write their metrics to files
    in a folder of the pool's own, and this process serves them all; a dead worker's counts stay."""
    if port is None:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="ragloom-metrics-") as folder:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder  # inherited by the spawned workers
        from prometheus_client import CollectorRegistry, start_http_server
        from prometheus_client.multiprocess import MultiProcessCollector

        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=folder)
        server, thread = start_http_server(port, registry=registry)
        err.print(f"worker pool metrics on http://0.0.0.0:{port}/metrics")
        try:
            yield
        finally:
            server.shutdown()
            thread.join(5)
            os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)


def _supervise(config: Path | None, modality: str, workers: int, max_jobs: int | None) -> int:
    context = multiprocessing.get_context("spawn")  # fresh interpreters: no inherited loops or locks
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    slots = [_Slot(n) for n in range(1, workers + 1)]

    def start(slot: _Slot) -> None:
        slot.process = context.Process(
            target=_work, args=(config, modality, max_jobs), name=f"ragloom-{modality}-worker-{slot.number}"
        )
        slot.process.start()
        slot.started = time.monotonic()
        err.print(f"worker {slot.number} started (pid {slot.process.pid})")

    for slot in slots:
        start(slot)
    paused_until: dict[int, float] = {}
    while not stopping:
        multiprocessing.connection.wait([s.process.sentinel for s in slots if s.process], timeout=1)
        now = time.monotonic()
        for slot in slots:
            if stopping or slot.process is None or slot.process.is_alive():
                continue
            if slot.process.exitcode == CONFIG_ERROR:  # another start would fail the same way
                err.print(f"worker {slot.number} stopped on a configuration error; stopping the pool")
                return max(_stop_all(slots), CONFIG_ERROR)
            if slot.number not in paused_until:
                code = slot.process.exitcode
                slot.quick_deaths = slot.quick_deaths + 1 if now - slot.started < QUICK_DEATH_SECONDS else 0
                pause = min(2 ** (slot.quick_deaths - 1), MAX_PAUSE_SECONDS) if slot.quick_deaths else 0
                err.print(
                    f"worker {slot.number} (pid {slot.process.pid}) exited with code {code}; "
                    f"another starts in {pause} s"
                )
                paused_until[slot.number] = now + pause
            if now >= paused_until[slot.number]:
                del paused_until[slot.number]
                start(slot)
    return _stop_all(slots)


def _stop_all(slots: list[_Slot]) -> int:
    running = [s.process for s in slots if s.process is not None and s.process.is_alive()]
    for process in running:
        os.kill(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in running:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            err.print(f"worker pid {process.pid} did not stop in {STOP_GRACE_SECONDS} s; killing it")
            process.kill()
            process.join()
    return 0
