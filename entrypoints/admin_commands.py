"""`ragloom admin ...` (through the admin API) and `ragloom audit ...` (straight from the audit log)."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any, TextIO

import httpx
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ragloom.contracts.spec import Port
from ragloom.core.errors import InvalidInput
from ragloom.core.models import TenantId
from ragloom.core.services.reindex import Reindexed

from .bootstrap import open_runtime
from .client import open_client
from .commands import error_message
from .console import err, out
from .http.schemas import AuditRecord
from .settings import Settings


def _body(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 400:
        raise InvalidInput(error_message(response))
    return response.json()


async def admin_call(
    settings: Settings, method: str, path: str, url: str | None, payload: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One admin API request, to the running server or to the app in-process."""
    async with open_client(settings, url, admin=True) as client:
        response = await client.request(method, path, json=payload)
    return _body(response)


def print_tenants(tenants: list[dict[str, Any]]) -> None:
    table = Table()
    for column in ("id", "name", "status", "created"):
        table.add_column(column)
    for tenant in tenants:
        table.add_row(tenant["id"], tenant["name"], tenant["status"], tenant["created_at"][:19])
    out.print(table)


def print_result(body: dict[str, Any], as_json: bool) -> None:
    """JSON, or a table; a new API key alone goes to stdout (so `KEY=$(ragloom admin ...)` works)."""
    if as_json:
        print(json.dumps(body, indent=2, ensure_ascii=False))
        return
    if "tenants" in body:
        print_tenants(body["tenants"])
        return
    console = err if "api_key" in body else out
    for key, value in body.items():
        if key != "api_key":
            shown = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
            console.print(f"{key}: {shown}")
    if "api_key" in body:
        err.print("[bold]API key (shown once, store it now):[/bold]")
        print(body["api_key"])


def read_anchors(path: Path | None) -> dict[str, tuple[int, str]]:
    """Heads recorded by an earlier `audit verify --anchor` ({} when there is no file yet)."""
    if path is None or not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
        return {chain: (int(head["seq"]), str(head["hash"])) for chain, head in data["chains"].items()}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InvalidInput(
            f"{path} is not an anchor file written by `ragloom audit verify`: {error}"
        ) from None


def write_anchors(path: Path, anchors: dict[str, tuple[int, str]]) -> None:
    body = {
        "chains": {chain: {"seq": seq, "hash": digest} for chain, (seq, digest) in sorted(anchors.items())}
    }
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(body, indent=2) + "\n")
    partial.replace(path)


async def audit_verify(settings: Settings, tenant: str | None, as_json: bool, anchor: Path | None) -> int:
    anchors = read_anchors(anchor)
    async with open_runtime(settings) as runtime:
        trail = await runtime.audit()
        found = await trail.chains()
        # an anchored chain that has vanished altogether is checked too (it must still hold its head)
        chains = [tenant] if tenant else sorted(set(found) | set(anchors))
        verdicts = [await trail.verify(chain, anchors.get(chain)) for chain in chains]
    broken = [v for v in verdicts if not v.ok]
    if anchor is not None and not broken:
        write_anchors(
            anchor, {**anchors, **{v.chain: (v.checked, v.head_hash) for v in verdicts if v.checked}}
        )
    if as_json:
        print(
            json.dumps(
                {"ok": not broken, "chains": [{**dataclasses.asdict(v), "ok": v.ok} for v in verdicts]},
                indent=2,
            )
        )
    else:
        for v in verdicts:
            if v.ok:
                out.print(f"[green]ok[/green]     {v.chain}: {v.checked} records, head {v.head_hash[:16]}")
            else:
                out.print(
                    f"[red]BROKEN[/red] {v.chain}: record seq {v.broken_seq}: {v.reason} "
                    f"({v.checked} records before it are intact)"
                )
        if not verdicts:
            out.print("the audit log is empty")
    return 1 if broken else 0


async def audit_export(settings: Settings, tenant: str | None, output: Path | None) -> int:
    stream: TextIO = output.open("w", encoding="utf-8") if output else sys.stdout
    count = 0
    try:
        async with open_runtime(settings) as runtime:
            trail = await runtime.audit()
            for chain in [tenant] if tenant else await trail.chains():
                async for record in trail.records(chain):
                    line = AuditRecord.model_validate(record).model_dump(mode="json")
                    stream.write(json.dumps(line, ensure_ascii=False) + "\n")
                    count += 1
    finally:
        if output:
            stream.close()
    if output:
        err.print(f"wrote {count} audit records to {output}")
    return 0


async def db_migrate(settings: Settings) -> int:
    """Open the metadata store with migrations on, so its schema reaches head."""
    sections = settings.plugins.setdefault("metadata_store", {})
    for name in settings.adapter_names(Port.METADATA_STORE):
        sections.setdefault(name, {})
        if name == "sqlalchemy":
            sections[name]["migrate"] = True
    async with open_runtime(settings) as runtime:
        await runtime.get(Port.METADATA_STORE.value)
    err.print("the database schema is up to date")
    return 0


async def queue_reindex(settings: Settings, tenant: str | None, as_json: bool) -> int:
    """Queue the reindex of each tenant that searches another space than the configured one."""
    async with open_runtime(settings) as runtime:
        queue = await runtime.job_queue()
        if queue.runs_in_process:
            (await runtime.units()).keep_jobs()  # the next `ragloom serve` runs them
        reindexer = await runtime.reindexer()
        waiting = [TenantId(tenant)] if tenant else await reindexer.waiting()
        queued = [str(tenant_id) for tenant_id in waiting if await reindexer.queue(tenant_id)]
        runs = "the next `ragloom serve`" if queue.runs_in_process else "a text worker"
    if as_json:
        print(json.dumps({"queued": queued}, indent=2))
        return 0
    for tenant_id in queued:
        out.print(f"{tenant_id}: reindex queued; {runs} runs it")
    if not queued:
        out.print("every tenant already searches the configured embedding space")
    return 0


async def reindex(settings: Settings, tenant: str | None, as_json: bool) -> int:
    """Move tenants into the configured embedder's space, with a progress bar per tenant."""
    moved: list[Reindexed] = []
    async with open_runtime(settings) as runtime:
        reindexer = await runtime.reindexer()
        waiting = [TenantId(tenant)] if tenant else await reindexer.waiting()
        columns = (
            TextColumn("{task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=err, transient=as_json) as progress:
            for tenant_id in waiting:
                task = progress.add_task(str(tenant_id)[:28], total=None)

                def report(done: int, total: int, task: Any = task) -> None:
                    progress.update(task, completed=done, total=total)

                moved.append(await reindexer.reindex(tenant_id, progress=report))
    if as_json:
        print(json.dumps({"tenants": [dataclasses.asdict(m) for m in moved]}, indent=2))
        return 0
    for m in moved:
        if m.previous == m.space:
            out.print(f"{m.tenant}: already searches {m.space}")
        else:
            out.print(
                f"{m.tenant}: {m.points} points moved from {m.previous} to {m.space}; searches use it now"
            )
    if not moved:
        out.print("every tenant already searches the configured embedding space")
    return 0
