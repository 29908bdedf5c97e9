"""Personal data never reaches what is indexed: a document seeded with names, e-mails, phone, card
and IBAN numbers is ingested, and no raw value (nor its digits run together) is found anywhere the
service keeps data (the embedded data folder outside the originals; PostgreSQL and Redis on the
production profile), nor in answers. The original stays as uploaded."""

from __future__ import annotations

import asyncio
import contextlib
import re
from pathlib import Path

import asyncpg
import httpx
import pytest
import redis.asyncio as aioredis

from ragloom.adapters.memory.chat_model import EchoChatModel
from ragloom.contracts.spec import Port
from ragloom.core.models import DEFAULT_TENANT, Message, Modality
from ragloom.core.streams import IncomingFile
from ragloom.entrypoints.bootstrap import open_runtime
from ragloom.entrypoints.http.app import create_app
from ragloom.entrypoints.settings import load_settings
from ragloom.entrypoints.worker.consumer import consume
from tests.conftest import REDIS_URL, PostgresDatabase
from tests.helpers.runtime import bearer, default_key, memory_settings, parse_sse, wait_for_status
from tests.helpers.tenants import ADMIN, new_signing_key, onboard

# What answers reveal is the question here, not whether they abstain: a short question about a
# file that is mostly masks sits near the abstention threshold (0.43 against 0.48).
ALWAYS_ANSWER = {"RAGLOOM_ANSWERS__MIN_SIMILARITY": "0"}
SEEDED = (
    "Personnel file. Dr. John Smith joined the harbour office in Rotterdam in 1998 and works with "
    "Mary Jones. "
    "Reach him at john.smith@example.com or on +1 212-555-0199. Expenses go to card 4111 1111 1111 1111 "
    "and salary to IBAN DE89370400440532013000. The harbour handles 4,200 ships a year."
)
RAW = [
    "John Smith",
    "Mary Jones",
    "john.smith@example.com",
    "212-555-0199",
    "4111 1111 1111 1111",
    "DE89370400440532013000",
]
RUN_TOGETHER = ["2125550199", "4111111111111111", "DE89 3704 0044 0532 0130 00"]


def _leaks(data: bytes) -> list[str]:
    text = data.decode("latin-1")
    found = [raw for raw in RAW + RUN_TOGETHER if raw in text]
    digits = re.sub(r"\D", "", text)
    found += [run for run in ("2125550199", "4111111111111111", "370400440532013000") if run in digits]
    return found


async def _ingest_and_ask(client: httpx.AsyncClient) -> dict:
    created = await client.post(
        "/v1/documents", files={"file": ("personnel.txt", SEEDED.encode(), "text/plain")}
    )
    assert created.status_code == 201, created.text
    document = await wait_for_status(client, created.json()["id"], timeout=120)
    assert document["status"] == "ready", document
    assert document["pii_entities"]["PERSON"] >= 2 and document["pii_entities"]["CREDIT_CARD"] == 1
    for question in ("What is John Smith's e-mail and phone?", "Which card and IBAN are used?"):
        answer = parse_sse((await client.post("/v1/query", json={"question": question})).text)[-1][1]
        assert _leaks(str(answer).encode()) == [], answer
    answer = parse_sse(
        (await client.post("/v1/query", json={"question": "When did he join the harbour office?"})).text
    )
    assert "1998" in answer[-1][1]["answer"] and "Rotterdam" in answer[-1][1]["answer"]  # facts survive
    return document


async def test_no_personal_data_in_the_embedded_data_folder(tmp_path):
    home = tmp_path / "home"
    settings = load_settings(environ={"RAGLOOM_HOME": str(home), **ALWAYS_ANSWER})
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t", headers=bearer(default_key(settings))
        ) as client:
            document = await _ingest_and_ask(client)
            original = (
                await client.get(f"/v1/documents/{document['id']}/original", follow_redirects=True)
            ).content
            assert original == SEEDED.encode()  # the original is kept as uploaded
    leaks = {}
    for path in home.rglob("*"):
        if path.is_file() and "blobs" not in path.relative_to(home).parts:
            found = _leaks(path.read_bytes())
            if found:
                leaks[str(path.relative_to(home))] = found
    assert leaks == {}


@pytest.mark.postgres
@pytest.mark.redis
async def test_no_personal_data_in_postgres_redis_or_the_index(
    tmp_path, postgres_database: PostgresDatabase, redis_prefix
):
    env = {
        "RAGLOOM_PROFILE": "production",
        "RAGLOOM_ADAPTERS__BLOB_STORE": "local",  # on disk, shared by the processes here
        "RAGLOOM_HOME": str(tmp_path / "home"),
        "RAGLOOM_DATABASE_URL": postgres_database.url,
        "RAGLOOM_REDIS_URL": REDIS_URL,
        "RAGLOOM_QDRANT_URL": "unused",
        "RAGLOOM_AUDIT_SIGNING_KEY": new_signing_key(),
        "RAGLOOM_ADMIN_USER": ADMIN[0],
        "RAGLOOM_ADMIN_PASSWORD": ADMIN[1],
        **ALWAYS_ANSWER,
    }
    index_folder = tmp_path / "qdrant-local"
    overrides = {
        "plugins": {
            "vector_index": {"qdrant": {"url": None, "path": str(index_folder)}},
            "job_queue": {"redis": {"queue_prefix": redis_prefix}},
        }
    }
    app = create_app(load_settings(environ=env, overrides=overrides))
    async with app.router.lifespan_context(app):
        worker = asyncio.create_task(consume(app.state.runtime, Modality.TEXT))
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                _, headers = await onboard(client, "Harbour")
                client.headers.update(headers)
                await _ingest_and_ask(client)
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
    connection = await asyncpg.connect(postgres_database.dsn(postgres_database.admin_url))
    try:
        tables = [
            r["tablename"]
            for r in await connection.fetch("select tablename from pg_tables where schemaname='public'")
        ]
        for table in tables:
            rows = await connection.fetch(f'select * from "{table}"')
            assert _leaks(repr([dict(r) for r in rows]).encode()) == [], table
    finally:
        await connection.close()
    client = aioredis.from_url(REDIS_URL)
    try:
        async for key in client.scan_iter(match=f"{redis_prefix}*"):
            kind = (await client.type(key)).decode()
            value = await client.xrange(key) if kind == "stream" else await client.dump(key)
            assert _leaks(repr(value).encode()) == [], key
    finally:
        await client.aclose()
    for path in Path(index_folder).rglob("*"):
        if path.is_file():
            assert _leaks(path.read_bytes()) == [], path


class RecordingChat(EchoChatModel):
    """The echo model, keeping every request it was sent."""

    def __init__(self) -> None:
        self.requests: list = []

    async def stream(self, request):
        self.requests.append(request)
        async for delta in super().stream(request):
            yield delta


async def test_questions_are_masked_like_documents_and_pseudonyms_still_find_their_person(tmp_path):
    settings = memory_settings(
        tmp_path,
        adapters={"chat_model": "memory"},
        plugins={"pii_scrubber": {"presidio": {"style": "pseudonym", "pseudonym_key": "k" * 32}}},
    )
    chat = RecordingChat()
    async with open_runtime(settings, overrides={Port.CHAT_MODEL: chat}) as runtime:
        await runtime.lifecycle.start_all()
        documents = await runtime.documents()
        for name, text in {
            "a.txt": "Jane Doe approved the dredging budget for the north basin.",
            "b.txt": "Peter Brown approved the repairs of the old lighthouse.",
        }.items():
            await documents.upload(DEFAULT_TENANT, IncomingFile.from_bytes(name, text.encode()))
        await runtime.lifecycle.wait_idle()
        history = [Message("user", "My colleague is Peter Brown."), Message("assistant", "Noted.")]
        events = [
            event
            async for event in (await runtime.answer()).answer(
                DEFAULT_TENANT, "What did Jane Doe approve?", history
            )
        ]
    done = events[-1]
    assert "dredging" in done.answer and "Jane" not in done.answer
    assert done.citations[0].source == "a.txt"  # the question's pseudonym found the document's
    sent = " ".join(m.content for r in chat.requests for m in r.messages)
    assert "Jane Doe" not in sent and "Peter Brown" not in sent and "PERSON" in sent
