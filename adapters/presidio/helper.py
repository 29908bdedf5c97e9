"""The helper process that analyses long texts (a document), so they neither hold up questions nor
grow the service's memory. It loads its own analyzer, runs under an address-space limit
(`RLIMIT_AS`) and, per call, a CPU-time limit; past the wall-time limit it is killed and a fresh one
starts on the next call. It dies with the service (`PR_SET_PDEATHSIG`): a service killed with
SIGKILL leaves no analyzer running."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import multiprocessing
import multiprocessing.connection
import os
import re
import resource
import signal
from typing import Any

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.masking import Finding

from .analysis import findings, load_analyzer
from .settings import PresidioSettings

_PR_SET_PDEATHSIG = 1
_OUT_OF_MEMORY = 3  # the helper's exit code when its memory limit stopped an analysis
_CRASHES = {-signal.SIGSEGV, -signal.SIGBUS, -signal.SIGABRT}
_START_SECONDS = 120  # loading spaCy and Presidio


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when the service dies (Linux); if it died already, go."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)


def _serve(
    connection: multiprocessing.connection.Connection, settings: PresidioSettings, parent: int
) -> None:
    """The helper: load the analyzer, then answer (texts, CPU seconds) with their findings."""
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the service, which stops us
    limit = settings.helper_memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        analyzer = load_analyzer(settings.model, settings.language)
    except Exception as error:
        if _out_of_memory(error):
            os._exit(_OUT_OF_MEMORY)
        raise
    connection.send(("ready", None))
    while True:
        try:
            texts, cpu_seconds = connection.recv()
        except (EOFError, OSError):
            return
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(used.ru_utime + used.ru_stime + cpu_seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (spent, resource.RLIM_INFINITY))
        try:
            connection.send(("ok", [findings(analyzer, settings, text) for text in texts]))
        except Exception as error:  # the analyzer's bug fails the call, not the helper
            if _out_of_memory(error):
                os._exit(_OUT_OF_MEMORY)  # no reply: even that could fail now
            connection.send(("error", type(error).__name__))


# What libraries say instead of raising MemoryError when the address-space limit refuses them memory:
# numpy's "Could not reserve memory block" (a ValueError), the loader's "failed to map segment from
# shared object" (an ImportError), ENOMEM's "Cannot allocate memory".
_NO_MEMORY = re.compile(r"could not reserve memory|failed to map segment|cannot allocate memory", re.I)


def _out_of_memory(error: BaseException | None) -> bool:
    """Whether the memory limit stopped it: a MemoryError, or a library's error saying so or raised
    over one."""
    while error is not None:
        if isinstance(error, MemoryError) or _NO_MEMORY.search(str(error)):
            return True
        error = error.__cause__ or error.__context__
    return False


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class AnalysisHelper:
    """One helper process, one call at a time; started on first need."""

    def __init__(self, settings: PresidioSettings) -> None:
        self._settings = settings
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._connection: multiprocessing.connection.Connection | None = None
        self._lock = asyncio.Lock()

    def pid(self) -> int | None:
        """The helper's process id while it runs (for operators and fault tests)."""
        return self._process.pid if self._process is not None and self._process.is_alive() else None

    async def findings(self, texts: list[str]) -> list[list[Finding]]:
        settings = self._settings
        async with self._lock:
            connection = self._connection
            if connection is None or self.pid() is None:
                connection = await self._start()
            try:
                connection.send((texts, settings.helper_timeout_seconds))
                kind, found = await self._receive(connection, settings.helper_timeout_seconds)
            except TimeoutError:
                await self._stop()
                raise ProviderUnavailable(
                    f"finding personal data in this text took over {settings.helper_timeout_seconds:g} s "
                    "(plugins.pii_scrubber.presidio.helper_timeout_seconds)",
                    retryable=False,
                ) from None
            except (EOFError, OSError):
                raise await self._died() from None
        if kind == "error":
            raise ProviderUnavailable(f"finding personal data failed ({found})", retryable=False)
        return found

    async def _start(self) -> multiprocessing.connection.Connection:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self._settings, os.getpid()), daemon=True)
        await asyncio.to_thread(process.start)
        child.close()
        self._process, self._connection = process, parent
        try:
            await self._receive(parent, _START_SECONDS)
        except (TimeoutError, EOFError, OSError):
            raise await self._died() from None
        return parent

    async def _died(self) -> ProviderUnavailable:
        """The error for a helper that stopped answering; it is gone by then."""
        process = self._process
        await self._stop()
        if process is not None and process.exitcode == _OUT_OF_MEMORY:
            return ProviderUnavailable(
                f"finding personal data ran out of memory ({self._settings.helper_memory_bytes} bytes: "
                "plugins.pii_scrubber.presidio.helper_memory_bytes)",
                retryable=False,
            )
        if process is not None and process.exitcode == -signal.SIGXCPU:
            return ProviderUnavailable(
                f"finding personal data in this text took over {self._settings.helper_timeout_seconds:g} s "
                "of CPU (plugins.pii_scrubber.presidio.helper_timeout_seconds)",
                retryable=False,
            )
        code = process.exitcode if process is not None else None
        if code in _CRASHES:  # native code that gets no memory under RLIMIT_AS may crash, not raise
            return ProviderUnavailable(
                "finding personal data most likely ran out of memory (the process crashed with "
                f"{signal.Signals(-code).name} under its limit of {self._settings.helper_memory_bytes} "
                "bytes: plugins.pii_scrubber.presidio.helper_memory_bytes)",
                retryable=False,
            )
        return ProviderUnavailable(f"the PII analysis process died (exit code {code})", retryable=True)

    @staticmethod
    async def _receive(connection: multiprocessing.connection.Connection, timeout: float) -> Any:
        loop = asyncio.get_running_loop()
        readable = loop.create_future()
        loop.add_reader(connection.fileno(), _resolve, readable)
        try:
            await asyncio.wait_for(readable, timeout)
        finally:
            loop.remove_reader(connection.fileno())
        return await asyncio.to_thread(connection.recv)

    async def _stop(self) -> None:
        await asyncio.to_thread(self.close)

    def close(self) -> None:
        """Kill the helper, if one runs; the next call starts a fresh one."""
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if process is not None:
            with contextlib.suppress(OSError):
                process.kill()
            process.join(5)
        if connection is not None:
            connection.close()
