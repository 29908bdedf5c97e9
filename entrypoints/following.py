"""How `ragloom ingest --wait` follows its uploads until each is ready or failed: from the tenant's
event stream (/v1/events) when it talks to a running server, or by asking for each document in
turn when the service runs inside the command (httpx's in-process transport hands over a response
only once it has ended, so an event stream never arrives there). Both count an e-mail's attachments
in as they become documents."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from rich.progress import Progress

from ragloom.core.errors import InvalidInput

SETTLING = ("document.ready", "document.failed", "document.delete")


class _Settling:
    """The documents still pending, by id, with the names they are shown by."""

    def __init__(self, client: httpx.AsyncClient, progress: Progress, files: int) -> None:
        self._client = client
        self._progress = progress
        self._task = progress.add_task("ingesting", total=files)
        self.pending: dict[str, str] = {}
        self.failed: list[str] = []
        self.attached = 0

    async def start(self) -> None:
        """Called before the first upload."""

    def watch(self, document_id: str, name: str) -> None:
        self.pending[document_id] = name

    def skip(self) -> None:
        """A file with nothing to wait for (refused, or ready or failed before)."""
        self._progress.advance(self._task)

    async def until_settled(self, timeout: float) -> list[str]:
        """What failed, and what was still pending after `timeout` seconds."""
        try:
            async with asyncio.timeout(timeout):
                await self._follow()
        except TimeoutError:
            pass
        return self.failed + [
            f"{name}: still processing after {timeout:.0f} s" for name in self.pending.values()
        ]

    async def _follow(self) -> None:
        raise NotImplementedError

    def _attach(self, document_id: str, name: str) -> None:
        self.pending[document_id] = name
        self.attached += 1
        self._progress.update(self._task, total=(self._progress.tasks[self._task].total or 0) + 1)

    def _finish(self, name: str, outcome: str) -> None:
        if outcome != "ready":
            self.failed.append(f"{name}: {outcome}")
        self._progress.advance(self._task)

    async def _document(self, document_id: str) -> dict[str, Any]:
        response = await self._client.get(f"/v1/documents/{document_id}")
        return response.json() if response.status_code == 200 else {}


class Polling(_Settling):
    """Asks for each pending document every 0.2 s; a message's attachments once it is ready."""

    async def _follow(self) -> None:
        while self.pending:
            await asyncio.sleep(0.2)
            for document_id in list(self.pending):
                body = await self._document(document_id)
                if body and body.get("status") not in ("ready", "failed"):
                    continue
                name = self.pending.pop(document_id)
                listed = await self._client.get(
                    "/v1/documents", params={"parent_id": document_id, "limit": 1000}
                )
                for child in listed.json()["documents"] if listed.status_code == 200 else []:
                    self._attach(child["id"], f"{name} > {child['filename']}")
                self._finish(
                    name, "ready" if body.get("status") == "ready" else body.get("error") or "deleted"
                )


class Following(_Settling):
    """Reads /v1/events from before the first upload, resuming after the last event a stream gave."""

    def __init__(self, client: httpx.AsyncClient, progress: Progress, files: int) -> None:
        super().__init__(client, progress, files)
        self._early: dict[str, str] = {}  # settled before their upload answered: how
        self._after = 0

    async def start(self) -> None:
        """Where the stream stands now: its first block names the event it starts after."""
        async with self._client.stream("GET", "/v1/events", params={"since": "now"}) as response:
            if response.status_code != 200:
                await response.aread()
                raise InvalidInput(f"the server's event stream answered HTTP {response.status_code}")
            async for line in response.aiter_lines():
                if line.startswith("id:"):
                    self._after = int(line[3:].strip())
                if not line:
                    return

    def watch(self, document_id: str, name: str) -> None:
        if document_id in self._early:  # its events came before its upload's answer
            self._finish(name, self._early.pop(document_id))
        else:
            super().watch(document_id, name)

    async def _follow(self) -> None:
        while self.pending:
            headers = {"Last-Event-ID": str(self._after)}
            async with self._client.stream("GET", "/v1/events", headers=headers, timeout=None) as response:
                if response.status_code != 200:
                    raise InvalidInput(f"the server's event stream answered HTTP {response.status_code}")
                block: list[str] = []
                async for line in response.aiter_lines():
                    if line:
                        block.append(line)
                        continue
                    await self._on(block)
                    block = []
                    if not self.pending:
                        return

    async def _on(self, block: list[str]) -> None:
        fields = dict(line.split(":", 1) for line in block if ":" in line and not line.startswith(":"))
        if "id" in fields:
            self._after = int(fields["id"].strip())
        event = fields.get("event", "").strip()
        data = json.loads(fields.get("data", "{}"))
        document_id = str(data.get("document_id"))
        if event == "document.upload" and str(data.get("attached_to")) in self.pending:
            child = await self._document(document_id)
            self._attach(document_id, f"{self.pending[str(data['attached_to'])]} > {child.get('filename')}")
        elif event in SETTLING:
            outcome = "ready" if event == "document.ready" else "deleted"
            if event == "document.failed":
                outcome = (await self._document(document_id)).get("error") or "failed"
            name = self.pending.pop(document_id, None)
            if name is None:
                self._early[document_id] = outcome
            else:
                self._finish(name, outcome)
