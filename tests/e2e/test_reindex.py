"""Embedder hot-swap on the shipped embedded profile (Qdrant Edge, SQLite, local blobs): the hashing
embedder and the packaged MiniLM model take turns. Each keeps its vectors in a folder of its own;
after a change, the tenant searches its earlier space until `ragloom reindex` has moved every point,
a reindex stopped part-way goes on where it stopped, and queries answer throughout."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from ragloom.core.models import DEFAULT_TENANT
from ragloom.entrypoints.bootstrap import open_runtime
from ragloom.entrypoints.cli import app
from ragloom.entrypoints.settings import load_settings
from tests.e2e.conftest import app_client
from tests.e2e.scenario import upload
from tests.helpers.runtime import parse_sse, wait_for_status
from tests.helpers.tenants import ADMIN, ADMIN_SETTINGS

HASHING = "hashing-384"
MINILM = "all-minilm-l6-v2-384"
FACTS = {
    "lighthouse.md": b"# Brightwater\n\nThe Brightwater lighthouse lamp is visible for 22 nautical miles.",
    "bakery.md": b"# Bakery\n\nThe Millbrook bakery bakes sourdough rye every Tuesday at dawn.",
    "glacier.md": b"# Glacier\n\nThe Aletsch glacier lost about 300 metres of length in the last decade.",
    "orchard.md": b"# Orchard\n\nThe Hollow Creek orchard grows forty varieties of heirloom apples.",
}


def settings_for(home: Path, embedder: str):
    overrides = {"adapters": {"text_embedder": embedder}, "answers": {"min_similarity": 0.0}}
    return load_settings(environ={"RAGLOOM_HOME": str(home)}, overrides=overrides)


async def cited(client, question: str) -> set[str]:
    response = await client.post("/v1/query", json={"question": question})
    assert response.status_code == 200, response.text
    return {c["source"] for c in parse_sse(response.text)[-1][1]["citations"]}


async def tenant_row(settings):
    async with open_runtime(settings) as runtime:
        return await (await runtime.tenants()).get(DEFAULT_TENANT)


async def points_in(settings, space: str) -> int:
    async with open_runtime(settings) as runtime:
        spaces = {s.name: s for s in (await runtime.get("spaces")).all}
        return await spaces[space].index.count(DEFAULT_TENANT) if space in spaces else -1


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


async def test_queries_keep_working_through_a_swap_and_a_resumed_reindex(home):
    hashing, minilm = settings_for(home, "hashing"), settings_for(home, "sentence_transformers")
    async with app_client(hashing) as client:
        for name, data in FACTS.items():
            created = await upload(client, name, data)
            assert (await wait_for_status(client, created.json()["id"]))["status"] == "ready"
        assert "lighthouse.md" in await cited(client, "How far is the Brightwater lamp visible?")
    assert (await tenant_row(hashing)).embedding_space == HASHING

    # The model changed: the tenant still searches the hashing space, through the hashing embedder
    # recorded for it; a document added now goes to both spaces, so it is found before and after.
    async with app_client(minilm) as client:
        spaces = await client.app.state.runtime.get("spaces")
        assert [s.name for s in spaces.all] == [MINILM, HASHING]
        assert (await spaces.searched(DEFAULT_TENANT)).name == HASHING
        assert "bakery.md" in await cited(client, "When does the Millbrook bakery bake rye?")
        created = await upload(client, "river.md", b"# River\n\nThe Tamsin river floods every March.")
        assert (await wait_for_status(client, created.json()["id"]))["status"] == "ready"
        assert "river.md" in await cited(client, "When does the Tamsin river flood?")
        assert await spaces.current.index.count(DEFAULT_TENANT) == 1  # only the new document so far

    # A reindex that stops after its first page keeps its cursor and leaves searches where they were.
    async with open_runtime(minilm) as runtime:
        reindexer = await runtime.reindexer()
        assert await reindexer.waiting() == [DEFAULT_TENANT]
        calls: list[tuple[int, int]] = []

        def crash_after_one_page(done: int, total: int) -> None:
            calls.append((done, total))
            raise KeyboardInterrupt  # as if the process were stopped here

        with pytest.raises(KeyboardInterrupt):
            await reindexer.reindex(DEFAULT_TENANT, progress=crash_after_one_page, page_size=2)
    stopped = await tenant_row(minilm)
    assert stopped.embedding_space == HASHING and stopped.reindex_cursor
    total = calls[0][1]
    assert total == await points_in(hashing, HASHING) == 5
    async with app_client(minilm) as client:
        assert "glacier.md" in await cited(client, "How much length did the Aletsch glacier lose?")

    # Run again: it goes on from the cursor (two more pages of two, not three), then switches.
    async with open_runtime(minilm) as runtime:
        pages: list[tuple[int, int]] = []
        moved = await (await runtime.reindexer()).reindex(
            DEFAULT_TENANT, progress=lambda d, t: pages.append((d, t)), page_size=2
        )
    assert len(pages) == 2 and pages[-1] == (total, total)
    assert (moved.previous, moved.space, moved.points) == (HASHING, MINILM, 5)
    switched = await tenant_row(minilm)
    assert switched.embedding_space == MINILM and switched.reindex_cursor is None
    async with app_client(minilm) as client:
        spaces = await client.app.state.runtime.get("spaces")
        assert [s.name for s in spaces.all] == [MINILM]  # no tenant searches the old space now
        assert "orchard.md" in await cited(client, "How many apple varieties grow at Hollow Creek?")
        assert "river.md" in await cited(client, "When does the Tamsin river flood?")
        audit = [json.loads(line) for line in (await client.get("/v1/audit")).text.splitlines()]
        reindexed = [r for r in audit if r["action"] == "tenant.reindex"]
        assert len(reindexed) == 1 and reindexed[0]["details"] == {"from": HASHING, "to": MINILM, "points": 5}
    assert await points_in(hashing, HASHING) == 0  # the old space no longer holds the tenant's points

    # And back to the hashing embedder, through the command a user runs.
    async with app_client(hashing) as client:
        assert "lighthouse.md" in await cited(client, "How far is the Brightwater lamp visible?")
    environment = {"RAGLOOM_HOME": str(home), "RAGLOOM_ADAPTERS__TEXT_EMBEDDER": "hashing"}
    command = ["reindex", "--json"]
    result = await asyncio.to_thread(
        CliRunner().invoke, app, command, env=_only(environment), catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["tenants"] == [
        {"tenant": DEFAULT_TENANT, "previous": MINILM, "space": HASHING, "points": 5}
    ]
    assert (await tenant_row(hashing)).embedding_space == HASHING
    async with app_client(hashing) as client:
        assert "river.md" in await cited(client, "When does the Tamsin river flood?")


async def test_a_document_deleted_while_its_page_is_moved_leaves_no_points(home):
    hashing, minilm = settings_for(home, "hashing"), settings_for(home, "sentence_transformers")
    async with app_client(hashing) as client:
        ids = {}
        for name, data in FACTS.items():
            created = await upload(client, name, data)
            ids[name] = created.json()["id"]
            assert (await wait_for_status(client, ids[name]))["status"] == "ready"
    async with open_runtime(minilm) as runtime:
        await runtime.lifecycle.start_all(ingestion=False)
        reindexer, documents = await runtime.reindexer(), await runtime.documents()
        spaces = await runtime.get("spaces")
        read_page = reindexer._moved

        async def deleted_meanwhile(tenant, page, target):
            moved = await read_page(tenant, page, target)  # read while the document was still there
            if any(point.payload.document_id == ids["glacier.md"] for point in moved):
                await documents.delete(DEFAULT_TENANT, ids["glacier.md"])
            return moved

        reindexer._moved = deleted_meanwhile
        moved = await reindexer.reindex(DEFAULT_TENANT, page_size=2)
        assert moved.points == 3 == await spaces.current.index.count(DEFAULT_TENANT)
        assert await spaces.current.index.count(DEFAULT_TENANT, ids["glacier.md"]) == 0


def _only(variables: dict[str, str]) -> dict[str, str | None]:
    """The RAGLOOM_* variables of the test, none of the caller's."""
    cleared: dict[str, str | None] = dict.fromkeys((k for k in os.environ if k.startswith("RAGLOOM_")), None)
    return {**cleared, **variables}


async def test_an_administrator_queues_a_reindex_that_a_worker_runs(home):
    hashing = settings_for(home, "hashing")
    async with app_client(hashing) as client:
        for name, data in list(FACTS.items())[:2]:
            created = await upload(client, name, data)
            assert (await wait_for_status(client, created.json()["id"]))["status"] == "ready"
    minilm = load_settings(
        environ={"RAGLOOM_HOME": str(home)},
        overrides={
            "adapters": {"text_embedder": "sentence_transformers"},
            "answers": {"min_similarity": 0.0},
            "admin": ADMIN_SETTINGS,
        },
    )
    environment = {"RAGLOOM_HOME": str(home), "RAGLOOM_ADAPTERS__TEXT_EMBEDDER": "sentence_transformers"}
    command = ["reindex", "--queue", "--json"]  # offline: the job waits in the outbox for the server
    result = await asyncio.to_thread(
        CliRunner().invoke, app, command, env=_only(environment), catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"queued": [DEFAULT_TENANT]}
    assert (await tenant_row(minilm)).embedding_space == HASHING  # queued, not run
    async with app_client(minilm) as client:
        basic = httpx.BasicAuth(*ADMIN)
        queued = await client.post(f"/admin/tenants/{DEFAULT_TENANT}/reindex", auth=basic)
        assert queued.status_code == 202 and queued.json() == {"tenant_id": DEFAULT_TENANT, "queued": True}
        tenants = await client.app.state.runtime.tenants()
        async with asyncio.timeout(120):  # the in-process queue runs the jobs
            while (await tenants.get(DEFAULT_TENANT)).embedding_space != MINILM:
                await asyncio.sleep(0.1)
        assert "bakery.md" in await cited(client, "When does the Millbrook bakery bake rye?")
        again = await client.post(f"/admin/tenants/{DEFAULT_TENANT}/reindex", auth=basic)
        assert again.status_code == 200 and again.json()["queued"] is False  # nothing left to move
        unknown = await client.post("/admin/tenants/no-such-tenant/reindex", auth=basic)
        assert unknown.status_code == 404
        assert (await client.post(f"/admin/tenants/{DEFAULT_TENANT}/reindex")).status_code == 401
    assert await points_in(minilm, HASHING) == -1  # the old space holds nothing and is not opened
