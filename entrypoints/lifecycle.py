"""A runtime's lifecycle: what an open runtime starts (the default tenant, the jobs, the janitor, the
outbox relay, the refused logins' audit records) and stops. The runtime itself (bootstrap.Runtime)
only opens adapters and services on first use."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path
from typing import Any, Protocol

from ragloom.contracts.ports import REQUIRED_PORTS
from ragloom.core.events import TenantResumed
from ragloom.core.models import DEFAULT_TENANT, Tenant, TenantId, TenantStatus
from ragloom.core.ports import JobBroker
from ragloom.core.services.documents import DocumentService
from ragloom.core.services.janitor import Janitor
from ragloom.core.services.jobs import JobDispatcher
from ragloom.core.services.outbox import OutboxRelay
from ragloom.core.services.refusals import RefusalLedger
from ragloom.core.services.tenants import Onboarded, TenantService
from ragloom.core.services.transactions import UnitsOfWork

from .settings import Settings
from .taskiq_broker import RagloomBroker, serve

log = logging.getLogger(__name__)


def default_key_file(settings: Settings) -> Path:
    """Where the embedded profile keeps the `default` tenant's API key (mode 0600)."""
    return Path(settings.home) / "default-api-key"


class Services(Protocol):
    """What the lifecycle needs of an open runtime (bootstrap.Runtime is one)."""

    settings: Settings

    async def get(self, name: str) -> Any: ...

    async def tenants(self) -> TenantService: ...

    async def documents(self) -> DocumentService: ...

    async def units(self) -> UnitsOfWork: ...

    async def refusals(self) -> RefusalLedger: ...

    async def job_queue(self) -> JobBroker: ...

    async def job_dispatcher(self, *, retry_here: bool = True) -> JobDispatcher: ...


class Lifecycle:
    """Starts an open runtime's background work and stops it (see the module's docstring)."""

    def __init__(self, runtime: Services) -> None:
        self._runtime = runtime
        self._tasks: list[asyncio.Task[None]] = []
        self._broker: RagloomBroker | None = None
        self._refusals: RefusalLedger | None = None

    async def ensure_default_tenant(self) -> Onboarded | None:
        """Create the `default` tenant on first start (embedded profile); its key goes to a 0600 file."""
        onboarded = await (await self._runtime.tenants()).ensure(DEFAULT_TENANT, "Default tenant")
        if onboarded is not None:
            path = default_key_file(self._runtime.settings)
            path.parent.mkdir(parents=True, exist_ok=True)
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
                file.write(onboarded.token + "\n")
        return onboarded

    async def start_ingestion(self) -> None:
        """Open everything the jobs need and start running them. On the in-process queue, a Taskiq
        Receiver in this process takes every lane's jobs (started once; a later call hands the queue
        back to it). On a queue of separate workers (a test playing the worker), the queue is given
        the dispatcher itself."""
        queue = await self._runtime.job_queue()
        if not queue.runs_in_process:
            queue.attach(await self._runtime.job_dispatcher())
        elif self._broker is not None:
            queue.attach(self._broker.hand_over)
        else:
            broker = self._broker = RagloomBroker(lambda: contextlib.nullcontext(self._runtime), lane=None)
            broker.is_worker_process = True
            await broker.startup()  # attaches it to the queue
            self._tasks.append(asyncio.create_task(serve(broker, asyncio.Event(), started=True)))

    async def start_all(self, *, ingestion: bool = True) -> Onboarded | None:
        """Open every adapter and create the default tenant when configured (its onboarding, with
        the key, is returned for the caller to show once). With `ingestion`, also attach the job
        runner, take back work a previous run left unfinished (in-process queue), re-queue a
        tenant's documents when it is resumed, and start the janitor. Offline admin commands run
        without ingestion: they never run a job, and leave the jobs they commit in the outbox."""
        for port in REQUIRED_PORTS:
            await self._runtime.get(port.value)
        documents = await self._runtime.documents()
        await self._runtime.get("answer")
        onboarded = (
            await self.ensure_default_tenant() if self._runtime.settings.tenancy.default_tenant else None
        )
        self._refusals = await self._runtime.refusals()
        self._tasks.append(asyncio.create_task(self._flush_refusals(self._refusals)))
        units = await self._runtime.units()
        queue = await self._runtime.job_queue()
        if not ingestion:
            if queue.runs_in_process:
                units.keep_jobs()  # the next `ragloom serve` runs them
            return onboarded
        await self.start_ingestion()
        units.bus.after_commit(TenantResumed, lambda event: self._requeue(documents, event.tenant_id))
        if queue.runs_in_process:
            resumed = 0
            for tenant in await self._all_tenants():
                if tenant.status == TenantStatus.ACTIVE:
                    resumed += await documents.requeue_unfinished(tenant.id)
            if resumed:
                log.info("re-queued %d unfinished documents", resumed)
        self._tasks.append(asyncio.create_task(self._maintain()))
        relay: OutboxRelay = await self._runtime.get("relay")
        interval = self._runtime.settings.ingest.outbox_relay_interval_seconds
        self._tasks.append(asyncio.create_task(relay.relay_every(interval)))
        return onboarded

    @staticmethod
    async def _requeue(documents: DocumentService, tenant: TenantId | None) -> None:
        if tenant is not None:
            await documents.requeue_unfinished(tenant)

    async def _maintain(self) -> None:
        """Sweep at start, then every `maintenance.interval_seconds` (0: at start only)."""
        janitor: Janitor = await self._runtime.get("janitor")
        interval = self._runtime.settings.maintenance.interval_seconds
        while True:
            try:
                await janitor.sweep()
            except Exception:
                log.exception("the janitor's sweep failed; it runs again later")
            if not interval:
                return
            await asyncio.sleep(interval)

    async def _flush_refusals(self, refusals: RefusalLedger) -> None:
        """Write each ended window of refused logins as its one audit record."""
        while True:
            await asyncio.sleep(self._runtime.settings.http.auth_failure_window_seconds)
            try:
                await refusals.flush(only_ended=True)
            except Exception:
                log.exception("writing the refused logins' audit records failed; trying again later")

    async def stop(self) -> None:
        """Stop the background work this runtime started, and write the refusals counted so far."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self._refusals is not None:
            try:
                await self._refusals.flush()
            except Exception:
                log.exception("writing the refused logins' audit records failed at stop")

    async def _all_tenants(self) -> list[Tenant]:
        service = await self._runtime.tenants()
        found: list[Tenant] = []
        while page := await service.list(limit=500, offset=len(found)):
            found.extend(page)
        return found

    async def wait_idle(self) -> None:
        await (await self._runtime.job_queue()).wait_idle()
