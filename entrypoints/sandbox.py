"""Extraction of untrusted originals in worker processes that cannot take the service down.

Each worker is a process forked from a fork server, with an address-space limit (`RLIMIT_AS`) and,
per document, a CPU-time limit; the service waits for its answer no longer than the wall-time limit.
A worker that runs out of memory, crashes, overruns or is cancelled is killed and replaced; the
document fails with the reason, the service goes on. The workers open the configured media
extractor adapters themselves, so the service process never imports a parser.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import multiprocessing
import multiprocessing.connection
import os
import resource
import signal
import threading
import time
import traceback
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ragloom.contracts.spec import Port
from ragloom.core.errors import ExtractionFailed, InvalidInput, RagloomError, UnsupportedMedia
from ragloom.core.media import base_type
from ragloom.core.models import Extraction
from ragloom.core.progress import report_progress, reporting_to
from ragloom.core.services.ingest import extractor_for
from ragloom.plugins import load_registry

Adapter = tuple[str, dict[str, Any]]  # a media extractor's adapter name and its settings
log = logging.getLogger(__name__)
_OUT_OF_MEMORY = 3  # a worker's exit code when its memory limit stopped an extraction
_PRELOAD = ["ragloom.entrypoints.sandbox", "ragloom.adapters.text_extract.formats"]
_ERRORS: dict[str, type[RagloomError]] = {
    "ExtractionFailed": ExtractionFailed,
    "UnsupportedMedia": UnsupportedMedia,
    "InvalidInput": InvalidInput,
}


_PR_SET_PDEATHSIG = 1
_THREAD_REFUSED = "can't start new thread"


@dataclass(frozen=True)
class SandboxLimits:
    """One pool's limits, and the settings that set them (named in a failed document's reason)."""

    processes: int = 2
    memory_bytes: int = 1 << 30
    timeout_seconds: float = 120.0
    memory_setting: str = "extraction.memory_bytes"
    timeout_setting: str = "extraction.timeout_seconds"


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when its parent (the forkserver, which exits with
    the service) dies: a service killed with SIGKILL leaves no transcription running on."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _worker_main(
    connection: multiprocessing.connection.Connection,
    adapters: Sequence[Adapter],
    requirements: Mapping[str, Adapter],
    memory_bytes: int,
) -> None:
    """A worker: open the extractors, then extract what the service sends until it hangs up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the service, which stops us
    _die_with_parent()
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    loop = asyncio.new_event_loop()
    stack = AsyncExitStack()
    try:
        extractors = loop.run_until_complete(_open(stack, adapters, requirements))
    except MemoryError:
        os._exit(_OUT_OF_MEMORY)
    except RuntimeError as error:
        if _THREAD_REFUSED in str(error):
            os._exit(_OUT_OF_MEMORY)
        raise
    try:
        connection.send(("ready", None))
    except OSError:  # the service stopped while this worker started
        return
    while True:
        try:
            source, media_type, filename, cpu_seconds = connection.recv()
        except (EOFError, OSError):
            return
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = used.ru_utime + used.ru_stime
        resource.setrlimit(resource.RLIMIT_CPU, (int(spent + cpu_seconds) + 1, resource.RLIM_INFINITY))
        try:
            extractor = extractor_for(extractors, media_type)
            with reporting_to(_ProgressSender(connection)):
                result = loop.run_until_complete(extractor.extract(Path(source), media_type, filename))
            connection.send(("ok", result))
        except RagloomError as error:
            connection.send(("error", type(error).__name__, error.message))
        except MemoryError:
            os._exit(_OUT_OF_MEMORY)  # no reply: even that could fail now; a fresh worker replaces us
        except Exception as error:  # a parser's bug fails the document, not the worker
            if _out_of_memory(error):  # the address-space limit, met inside a native library
                os._exit(_OUT_OF_MEMORY)
            # Where, not what: an exception's message may quote the document's text.
            frame = traceback.extract_tb(error.__traceback__)[-1]
            log.error(
                "internal error extracting a %s file: %s at %s:%s",
                media_type,
                type(error).__name__,
                frame.filename,
                frame.lineno,
            )
            reason = (
                f"the file could not be read: its {media_type} parser failed ({type(error).__name__}); "
                "if the file opens in other programs, report this with the file"
            )
            connection.send(("error", "ExtractionFailed", reason))


def _out_of_memory(error: BaseException) -> bool:
    """Whether the memory limit stopped it: no room for a thread's stack, or an allocation that
    failed in numpy or a native library (ONNX Runtime says "Failed to allocate")."""
    said = str(error).lower()
    return _THREAD_REFUSED in said or "allocate" in said or "bad_alloc" in said


class _ProgressSender:
    """Sends the extraction's progress to the service, in steps of at least a hundredth; callable
    from the extractor's threads."""

    def __init__(self, connection: multiprocessing.connection.Connection) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self._sent = 0.0

    def __call__(self, share: float) -> None:
        with self._lock:
            if share - self._sent >= 0.01:
                self._sent = share
                with contextlib.suppress(OSError):
                    self._connection.send(("progress", share))


async def _open(
    stack: AsyncExitStack, adapters: Sequence[Adapter], requirements: Mapping[str, Adapter]
) -> list[Any]:
    """Open the required adapters (a transcriber, say), then the extractors that use them."""
    registry = load_registry()

    async def open_one(port: Port, name: str, data: dict[str, Any], **needed: Any) -> Any:
        spec = registry.find(port, name)
        if spec is None:
            raise RuntimeError(f"{port.value} adapter {name!r} is not installed in the worker")
        return await stack.enter_async_context(spec.factory(spec.settings.model_validate(data), **needed))

    needed = {port: await open_one(Port(port), *adapter) for port, adapter in requirements.items()}
    opened = []
    for name, data in adapters:
        spec = registry.find(Port.MEDIA_EXTRACTOR, name)
        wanted = {
            port.value: needed[port.value] for port in (spec.requires if spec else ()) if port.value in needed
        }
        opened.append(await open_one(Port.MEDIA_EXTRACTOR, name, data, **wanted))
    return opened


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class _OutOfMemory(ExtractionFailed):
    """A worker's memory limit stopped the extraction."""


class _Worker:
    def __init__(self, process: Any, connection: multiprocessing.connection.Connection) -> None:
        self.process = process
        self.connection = connection
        self.served = 0  # documents it extracted

    async def receive(self, timeout: float) -> Any:
        """The worker's next message; TimeoutError after `timeout` s, EOFError if it died."""
        loop = asyncio.get_running_loop()
        readable = loop.create_future()
        fd = self.connection.fileno()
        loop.add_reader(fd, _resolve, readable)
        try:
            await asyncio.wait_for(readable, timeout)
        finally:
            loop.remove_reader(fd)
        return await asyncio.to_thread(self.connection.recv)

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        self.process.join(5)
        self.connection.close()


class SandboxedExtractor:
    """The MediaExtractor port over a pool of sandboxed worker processes."""

    def __init__(
        self,
        adapters: Sequence[Adapter],
        media_types: frozenset[str],
        limits: SandboxLimits,
        requirements: Mapping[str, Adapter] | None = None,
    ) -> None:
        self._adapters = list(adapters)
        self._requirements = dict(requirements or {})
        self._media_types = media_types
        self._limits = limits
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(_PRELOAD)
        self._slots = asyncio.Semaphore(limits.processes)
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()

    @property
    def media_types(self) -> frozenset[str]:
        return self._media_types

    def worker_pids(self) -> list[int]:
        """The pids of the live workers (for operators and fault tests)."""
        return [w.process.pid for w in [*self._idle, *self._busy] if w.process.is_alive()]

    async def extract(self, source: Path, media_type: str, filename: str) -> Extraction:
        """The extraction, by an idle worker or a new one. A worker that has served other documents
        and runs out of memory on this one (its heap grows and fragments with use) is replaced and
        the document tried once more in a fresh worker; only a fresh worker's failure stands."""
        if base_type(media_type) not in self._media_types:
            raise UnsupportedMedia(f"no extractor is configured for {media_type}")
        async with self._slots:
            while True:
                worker = self._idle.pop() if self._idle else await self._start()
                self._busy.add(worker)
                healthy = False
                try:
                    reply = await self._ask(worker, source, media_type, filename)
                    healthy = reply[0] in ("ok", "error")
                except _OutOfMemory as error:
                    if worker.served:
                        continue  # a used worker: once more in a fresh one
                    raise ExtractionFailed(error.message) from None
                finally:
                    self._busy.discard(worker)
                    if healthy:
                        worker.served += 1
                        self._idle.append(worker)
                    else:
                        await asyncio.to_thread(worker.kill)
                break
        if reply[0] == "ok":
            return reply[1]
        raise _ERRORS.get(reply[1], ExtractionFailed)(reply[2])

    async def _ask(self, worker: _Worker, source: Path, media_type: str, filename: str) -> Any:
        """The worker's answer; its progress reports on the way are passed on to this context's."""
        limits = self._limits
        started = time.monotonic()
        worker.connection.send((str(source), media_type, filename, limits.timeout_seconds))
        try:
            reply = await worker.receive(limits.timeout_seconds)
            while reply[0] == "progress":
                report_progress(reply[1])
                reply = await worker.receive(max(started + limits.timeout_seconds - time.monotonic(), 0))
        except TimeoutError:
            raise ExtractionFailed(
                f"extraction took over {limits.timeout_seconds:g} s ({limits.timeout_setting})"
            ) from None
        except (EOFError, OSError):
            await asyncio.to_thread(worker.process.join, 1)
            code = worker.process.exitcode
            if code == _OUT_OF_MEMORY:
                raise _OutOfMemory(
                    f"extraction ran out of memory ({limits.memory_setting}: {limits.memory_bytes})"
                ) from None
            cause = (
                f"its CPU time ran out ({limits.timeout_setting}: {limits.timeout_seconds:g} s of CPU, "
                "threads counted together)"
                if code == -signal.SIGXCPU
                else f"it died (exit code {code})"
            )
            raise ExtractionFailed(
                f"the extraction process stopped after {time.monotonic() - started:.0f} s: {cause}"
            ) from None
        return reply

    async def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main,
            args=(child, self._adapters, self._requirements, self._limits.memory_bytes),
            daemon=True,
        )
        await asyncio.to_thread(process.start)
        child.close()
        worker = _Worker(process, parent)
        try:
            ready = await worker.receive(60)
        except (TimeoutError, EOFError, OSError) as error:
            await asyncio.to_thread(worker.kill)
            if worker.process.exitcode == _OUT_OF_MEMORY:
                raise ExtractionFailed(
                    "the extraction process ran out of memory loading its models "
                    f"({self._limits.memory_setting}: {self._limits.memory_bytes})"
                ) from None
            raise ExtractionFailed(f"the extraction process did not start: {type(error).__name__}") from None
        if ready[0] != "ready":
            await asyncio.to_thread(worker.kill)
            raise ExtractionFailed("the extraction process did not start")
        return worker

    async def aclose(self) -> None:
        workers = [*self._idle, *self._busy]
        self._idle.clear()
        for worker in workers:
            await asyncio.to_thread(worker.kill)


@asynccontextmanager
async def open_sandbox(
    adapters: Sequence[Adapter],
    media_types: frozenset[str],
    limits: SandboxLimits,
    requirements: Mapping[str, Adapter] | None = None,
) -> AsyncIterator[SandboxedExtractor]:
    sandbox = SandboxedExtractor(adapters, media_types, limits, requirements)
    try:
        yield sandbox
    finally:
        await sandbox.aclose()
