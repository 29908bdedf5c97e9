"""Faults and abuse in-process (the real bootstrap and HTTP app, with in-memory stores where a fault
is injected): uploads racing a tenant's deletion, half-done deletes and the janitor, orphan
originals, throttled logins and their aggregated audit, hostile JSON, secrets kept out of logs, an
answer whose audit fails, and a suspended tenant's documents after resume."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from ragloom.adapters.memory.blob_store import InMemoryBlobStore
from ragloom.adapters.memory.metadata import InMemoryMetadataStore
from ragloom.adapters.memory.signer import HmacSigner
from ragloom.contracts.errors import ConfigError
from ragloom.contracts.spec import Port
from ragloom.core.errors import ProviderUnavailable
from ragloom.entrypoints.http.app import create_app
from tests.helpers.runtime import memory_settings, parse_sse, wait_for_status
from tests.helpers.tenants import ADMIN, ADMIN_SETTINGS, onboard


class FlakyBlobs(InMemoryBlobStore):
    """Deleting fails while `failing` is set."""

    failing = False

    async def delete(self, tenant, key):
        if self.failing:
            raise ProviderUnavailable("the blob store is down")
        await super().delete(tenant, key)


class Keyed:
    def __init__(self, client, headers):
        self.client, self.headers = client, headers

    async def get(self, url):
        return await self.client.get(url, headers=self.headers)


async def _app(tmp_path, overrides=None, **settings):
    app = create_app(memory_settings(tmp_path, admin=ADMIN_SETTINGS, **settings), overrides=overrides)
    context = app.router.lifespan_context(app)
    await context.__aenter__()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ragloom.test")
    return app, context, client


@pytest.fixture
async def world(tmp_path):
    blobs = FlakyBlobs()
    app, context, client = await _app(tmp_path, overrides={Port.BLOB_STORE: blobs})
    yield app, client, blobs
    await client.aclose()
    await context.__aexit__(None, None, None)


async def test_a_tenant_deleted_while_its_upload_arrives_keeps_nothing(world):
    _, client, blobs = world
    tenant, key = await onboard(client, "Vanishing")
    halfway, finish = asyncio.Event(), asyncio.Event()

    async def slow_body():
        boundary = b"--b\r\n"
        yield boundary + b'Content-Disposition: form-data; name="file"; filename="late.txt"\r\n\r\n'
        yield b"The first half of a late upload. "
        halfway.set()
        await finish.wait()
        yield b"The second half.\r\n--b--\r\n"

    upload = asyncio.create_task(
        client.post(
            "/v1/documents",
            content=slow_body(),
            headers={**key, "content-type": "multipart/form-data; boundary=b"},
        )
    )
    await halfway.wait()
    receipt = await client.delete(f"/admin/tenants/{tenant}", auth=ADMIN)
    assert receipt.status_code == 200 and receipt.json()["removed"]["documents_rows"] == 0
    finish.set()
    response = await upload
    assert response.status_code == 409 and "deleted" in response.json()["error"]["message"]
    assert [k async for k, _ in blobs.keys(tenant)] == []  # its original is gone too
    again = await client.get(f"/admin/tenants/{tenant}", auth=ADMIN)
    assert again.json()["usage"] == {"documents": 0, "bytes": 0}


async def test_a_half_done_delete_stays_deleting_and_unsearchable_until_finished(world):
    app, client, blobs = world
    _, key = await onboard(client, "Careful")
    created = (
        await client.post("/v1/documents", files={"file": ("k.txt", b"Kestrels hover.")}, headers=key)
    ).json()
    await wait_for_status(Keyed(client, key), created["id"])
    blobs.failing = True
    response = await client.delete(f"/v1/documents/{created['id']}", headers=key)
    assert response.status_code == 503
    assert (await client.get(f"/v1/documents/{created['id']}", headers=key)).json()["status"] == "deleting"
    answer = parse_sse((await client.post("/v1/query", json={"question": "Kestrels?"}, headers=key)).text)
    assert answer[-1][1]["citations"] == []  # never ready without its vectors, never found while deleting
    listed = (await client.get("/v1/documents", headers=key)).json()["documents"]
    assert [d["status"] for d in listed] == ["deleting"]
    blobs.failing = False
    report = await (await app.state.runtime.get("janitor")).sweep()
    assert report.deletions_finished == 1
    assert (await client.get(f"/v1/documents/{created['id']}", headers=key)).status_code == 404


async def test_an_original_left_by_a_failed_upload_is_swept(tmp_path):
    class FailingInsert(InMemoryMetadataStore):
        """The document insert fails (the database went away at the wrong moment)."""

        def unit_of_work(self, scope, *, read_only=False):
            unit = super().unit_of_work(scope, read_only=read_only)

            async def refuse(document, **_):
                raise ProviderUnavailable("metadata database unavailable")

            if self.failing:
                unit.documents.add = refuse
            return unit

    store, blobs = FailingInsert(), FlakyBlobs()
    store.failing = False
    app, context, client = await _app(
        tmp_path, overrides={Port.METADATA_STORE: store, Port.BLOB_STORE: blobs}
    )
    try:
        tenant, key = await onboard(client, "Orphaned")
        store.failing = blobs.failing = True  # the insert fails, then so does removing the original
        response = await client.post("/v1/documents", files={"file": ("o.txt", b"Otters.")}, headers=key)
        assert response.status_code == 503
        store.failing = blobs.failing = False
        keys = [k async for k, _ in blobs.keys(tenant)]
        assert len(keys) == 1  # the orphan
        janitor = await app.state.runtime.get("janitor")
        assert (await janitor.sweep()).orphan_blobs_removed == 0  # too young: an upload may be in flight
        blobs.written[(tenant, keys[0])] = datetime.now(UTC) - timedelta(hours=2)
        assert (await janitor.sweep()).orphan_blobs_removed == 1
        assert [k async for k, _ in blobs.keys(tenant)] == []
    finally:
        await client.aclose()
        await context.__aexit__(None, None, None)


async def test_failed_admin_logins_are_throttled_and_audited_in_aggregate(tmp_path):
    app, context, client = await _app(tmp_path, http={"auth_free_failures": 3})
    try:
        statuses = []
        for _ in range(8):
            response = await client.get("/admin/tenants", auth=("root", "guess"))
            statuses.append(response.status_code)
        assert statuses[:3] == [401, 401, 401] and set(statuses[4:]) == {429}
        throttled = await client.get("/admin/tenants", auth=ADMIN)  # even the right password waits
        assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) >= 1
        assert throttled.json()["error"]["code"] == "too_many_attempts"
        for _ in range(5):
            assert (
                await client.get("/v1/documents", headers={"Authorization": "Bearer rlk_0.x"})
            ).status_code in (
                401,
                429,
            )
        runtime = app.state.runtime
        await (await runtime.get("refusals")).flush()
        trail = await runtime.audit()
        records = [r async for r in trail.records("_system")]
        admin = [r for r in records if r.action == "admin.auth_fail"]
        assert len(admin) == 1 and admin[0].details["count"] == 4  # the throttled ones never got that far
        assert "127.0.0.1" not in json.dumps([r.details for r in records])  # the address as a keyed digest
    finally:
        await client.aclose()
        await context.__aexit__(None, None, None)


@pytest.mark.parametrize("trusted", [True, False])
async def test_behind_a_trusted_gateway_failed_logins_count_against_the_client_not_the_gateway(
    tmp_path, trusted
):
    proxies = ["127.0.0.0/8"] if trusted else []  # the test client's peer address is 127.0.0.1
    _, context, client = await _app(tmp_path, http={"auth_free_failures": 3, "trusted_proxies": proxies})
    try:
        _, key = await onboard(client, "Behind a gateway")
        attacker = {"Authorization": "Bearer rlk_0.x", "X-Forwarded-For": "203.0.113.9"}
        statuses = [(await client.get("/v1/tenant", headers=attacker)).status_code for _ in range(6)]
        assert statuses[:3] == [401, 401, 401] and statuses[-1] == 429
        # the attacker prepends another address; the gateway appends the one it saw
        spoofed = {"Authorization": "Bearer rlk_0.x", "X-Forwarded-For": "198.51.100.7, 203.0.113.9"}
        other = (
            await client.get("/v1/tenant", headers={**key, "X-Forwarded-For": "198.51.100.7"})
        ).status_code
        if trusted:
            assert other == 200  # another client behind the same gateway is not held up
            # a client cannot escape its count by prepending addresses: the nearest untrusted one counts
            assert (await client.get("/v1/tenant", headers=spoofed)).status_code == 429
        else:
            assert other == 429  # without trusted_proxies every client behind the gateway is one address
    finally:
        await client.aclose()
        await context.__aexit__(None, None, None)


def test_trusted_proxies_must_be_networks(tmp_path):
    with pytest.raises(ConfigError, match="not-a-network"):
        memory_settings(tmp_path, http={"trusted_proxies": ["not-a-network"]})


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/query", "[" * 50_000),
        ("POST", "/v1/query", '{"question": ' + "[" * 40 + "1" + "]" * 40 + "}"),
        ("POST", "/admin/tenants", '{"name": "x", "max_documents": 9223372036854775808}'),
        ("POST", "/admin/tenants", '{"name": "x", "max_bytes": ' + "9" * 30 + "}"),
        ("POST", "/admin/tenants", '{"name": ' + "{" * 50_000),
    ],
)
async def test_hostile_json_is_a_400(world, method, path, body):
    _, client, _ = world
    _, key = await onboard(client, "Fuzzed")
    admin = path.startswith("/admin")
    response = await client.request(
        method,
        path,
        content=body,
        headers={**({} if admin else key), "content-type": "application/json"},
        auth=ADMIN if admin else None,
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_input"


async def test_a_long_id_is_not_echoed_whole(world):
    _, client, _ = world
    _, key = await onboard(client, "Echo")
    response = await client.get("/v1/documents/" + "x" * 5000, headers=key)
    assert response.status_code == 404 and len(response.text) < 300


async def test_the_default_key_reaches_the_terminal_once_and_no_log(tmp_path, caplog):
    shown = []
    settings = memory_settings(tmp_path, adapters={"metadata_store": "sqlalchemy"})
    with caplog.at_level(logging.DEBUG):
        for _ in range(2):  # the second start finds the tenant: nothing to show
            app = create_app(settings, on_new_key=lambda onboarded: shown.append(onboarded.token))
            async with app.router.lifespan_context(app):
                pass
    token = (tmp_path / "default-api-key").read_text().strip()
    assert shown == [token]
    assert all(
        token not in record.getMessage() and token.split(".")[1] not in record.getMessage()
        for record in caplog.records
    )


async def test_an_answer_whose_audit_fails_is_withdrawn_with_an_error_event(tmp_path):
    class BrokenAfter(HmacSigner):
        broken = False

        def sign(self, digest):
            if self.broken:
                raise ProviderUnavailable("the audit store is unavailable")
            return super().sign(digest)

    signer = BrokenAfter()
    _, context, client = await _app(tmp_path, overrides={Port.AUDIT_SIGNER: signer})
    try:
        _, key = await onboard(client, "Audited")
        created = (
            await client.post("/v1/documents", files={"file": ("o.txt", b"Owls hunt at night.")}, headers=key)
        ).json()
        await wait_for_status(Keyed(client, key), created["id"])
        signer.broken = True
        events = parse_sse(
            (await client.post("/v1/query", json={"question": "When do owls hunt?"}, headers=key)).text
        )
        kinds = [kind for kind, _ in events]
        assert kinds[0] == "delta" and kinds[-1] == "error" and "done" not in kinds
        assert events[-1][1]["error"]["code"] == "provider_unavailable"
    finally:
        signer.broken = False
        await client.aclose()
        await context.__aexit__(None, None, None)


async def test_documents_held_by_a_suspension_are_ingested_after_resume(world):
    app, client, _ = world
    tenant, key = await onboard(client, "Paused")
    queue = await app.state.runtime.get("job_queue")
    queue.attach(_never_finishes)  # ingestion stalls, as if the worker were busy when suspended
    created = (
        await client.post("/v1/documents", files={"file": ("p.txt", b"Puffins nest.")}, headers=key)
    ).json()
    assert (await client.post(f"/admin/tenants/{tenant}/suspend", auth=ADMIN)).status_code == 200
    await app.state.runtime.lifecycle.start_ingestion()  # the real runner again
    assert (await client.post(f"/admin/tenants/{tenant}/resume", auth=ADMIN)).status_code == 200
    assert (await wait_for_status(Keyed(client, key), created["id"], timeout=30))["status"] == "ready"


async def _never_finishes(job):
    await asyncio.sleep(3600)


async def test_uploads_over_the_concurrency_cap_get_503(tmp_path):
    _, context, client = await _app(tmp_path, http={"max_concurrent_uploads": 1})
    try:
        _, key = await onboard(client, "Busy")
        release = asyncio.Event()

        async def slow_body():
            yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nA'
            await release.wait()
            yield b"\r\n--b--\r\n"

        headers = {**key, "content-type": "multipart/form-data; boundary=b"}
        first = asyncio.create_task(client.post("/v1/documents", content=slow_body(), headers=headers))
        await asyncio.sleep(0.1)
        second = await client.post("/v1/documents", files={"file": ("b.txt", b"B")}, headers=key)
        assert second.status_code == 503 and second.headers["retry-after"]
        release.set()
        assert (await first).status_code == 201
    finally:
        await client.aclose()
        await context.__aexit__(None, None, None)
