"""Tenants end to end over HTTP: the admin API under Basic auth, API keys, lifecycle, quotas, audit."""

from __future__ import annotations

import base64

import httpx
import pytest

from ragloom.entrypoints.http.app import create_app
from tests.helpers.runtime import memory_settings, wait_for_status
from tests.helpers.tenants import ADMIN, ADMIN_SETTINGS, onboard

BASIC = httpx.BasicAuth(*ADMIN)


async def _client(settings):
    app = create_app(settings)
    context = app.router.lifespan_context(app)
    await context.__aenter__()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ragloom.test")
    client.app = app
    return client, context


@pytest.fixture
async def client(tmp_path):
    settings = memory_settings(tmp_path, admin=ADMIN_SETTINGS, quotas={"max_documents": 0, "max_bytes": 0})
    http, context = await _client(settings)
    yield http
    await http.aclose()
    await context.__aexit__(None, None, None)


async def _upload(client, headers, name="a.txt", data=b"Some text about lighthouses."):
    return await client.post("/v1/documents", files={"file": (name, data, "text/plain")}, headers=headers)


async def _chain(client, headers) -> list[dict]:
    response = await client.get("/v1/audit", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    import json

    return [json.loads(line) for line in response.text.splitlines()]


@pytest.mark.parametrize(
    "authorization",
    [None, "Basic " + base64.b64encode(b"root:wrong").decode(), "Basic !!!", "Bearer rlk_000000000000.x"],
)
async def test_admin_api_demands_basic_credentials(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = await client.get("/admin/tenants", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic realm=")
    assert response.json()["error"]["code"] == "unauthenticated"


async def test_admin_api_is_disabled_without_configured_credentials(tmp_path):
    http, context = await _client(memory_settings(tmp_path))
    try:
        response = await http.get("/admin/tenants", auth=BASIC)
        assert response.status_code == 401
        assert "RAGLOOM_ADMIN_USER" in response.json()["error"]["message"]
    finally:
        await http.aclose()
        await context.__aexit__(None, None, None)


async def test_tenant_lifecycle_keys_and_deletion_receipt(client):
    response = await client.post("/admin/tenants", json={"name": "Acme"}, auth=BASIC)
    assert response.status_code == 201
    created = response.json()
    assert created["status"] == "active" and created["api_key"].startswith(created["key_id"] + ".")
    assert response.headers["location"] == f"/admin/tenants/{created['id']}"
    tenant, key = created["id"], {"Authorization": f"Bearer {created['api_key']}"}

    listed = (await client.get("/admin/tenants", auth=BASIC)).json()["tenants"]
    assert tenant in {t["id"] for t in listed}
    shown = (await client.get(f"/admin/tenants/{tenant}", auth=BASIC)).json()
    assert "api_key" not in shown and [k["id"] for k in shown["keys"]] == [created["key_id"]]
    assert shown["usage"] == {"documents": 0, "bytes": 0}

    verified = await client.get("/auth/verify", headers=key)
    assert verified.status_code == 200 and verified.headers["x-tenant-id"] == tenant
    assert (await client.get("/auth/verify")).status_code == 401

    document = (await _upload(client, key)).json()
    assert (await wait_for_status(_Keyed(client, key), document["id"]))["status"] == "ready"

    assert (await client.post(f"/admin/tenants/{tenant}/suspend", auth=BASIC)).json()["status"] == "suspended"
    denied = await client.get("/v1/documents", headers=key)
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "tenant_denied"
    assert (await client.get("/auth/verify", headers=key)).status_code == 403
    assert (await client.post(f"/admin/tenants/{tenant}/resume", auth=BASIC)).json()["status"] == "active"
    assert (await client.get("/v1/documents", headers=key)).status_code == 200

    issued = await client.post(f"/admin/tenants/{tenant}/keys", auth=BASIC)
    assert issued.status_code == 201
    second = {"Authorization": f"Bearer {issued.json()['api_key']}"}
    assert (await client.get("/v1/documents", headers=second)).status_code == 200
    revoked = await client.delete(f"/admin/tenants/{tenant}/keys/{created['key_id']}", auth=BASIC)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert (await client.get("/v1/documents", headers=key)).status_code == 401
    assert (await client.get("/v1/documents", headers=second)).status_code == 200

    for _ in range(2):
        assert (await client.post("/v1/chats", headers=second)).status_code == 201
    receipt = await client.delete(f"/admin/tenants/{tenant}", auth=BASIC)
    assert receipt.status_code == 200
    removed = receipt.json()["removed"]
    assert removed["chats_rows"] == 2
    assert removed["blobs"] == 1 and removed["documents_rows"] == 1 and removed["vectors"] >= 1
    assert removed["api_keys_rows"] == 2
    assert (await client.get("/v1/documents", headers=second)).status_code == 401
    assert (await client.get(f"/admin/tenants/{tenant}", auth=BASIC)).json()["status"] == "deleted"
    assert (await client.post(f"/admin/tenants/{tenant}/resume", auth=BASIC)).status_code == 409
    again = await client.delete(f"/admin/tenants/{tenant}", auth=BASIC)
    assert again.status_code == 200 and again.json()["removed"]["blobs"] == 0

    await (await client.app.state.runtime.get("refusals")).flush()  # refusals are written per window
    trail = await client.app.state.runtime.audit()
    records = [r async for r in trail.records(tenant)]
    actions = [r.action for r in records]
    denied = next(r for r in records if r.action == "auth.denied")
    assert denied.details["count"] >= 1 and len(denied.details["source"]) == 16
    for action in (
        "tenant.create",
        "document.upload",
        "document.ready",
        "tenant.suspend",
        "auth.denied",
        "tenant.resume",
        "key.issue",
        "key.revoke",
        "tenant.delete",
    ):
        assert action in actions, action
    assert (await trail.verify(tenant)).ok


class _Keyed:
    """A client that sends one tenant's key on every GET (for wait_for_status)."""

    def __init__(self, client, headers):
        self._client, self._headers = client, headers

    async def get(self, url):
        return await self._client.get(url, headers=self._headers)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "send JSON"),
        (b"[1]", "JSON object"),
        (b'{"name": ""}', "non-empty"),
        (b'{"name": 7}', "must be a string"),
        (b'{"name": "' + b"x" * 300 + b'"}', "at most"),
        (b'{"name": "a\\u0000b"}', "printable"),
        (b'{"name": "Acme", "max_documents": -1}', "max_documents"),
        (b'{"name": "Acme", "max_bytes": "lots"}', "max_bytes"),
    ],
)
async def test_bad_tenant_bodies_get_400(client, body, message):
    response = await client.post("/admin/tenants", content=body, auth=BASIC)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


@pytest.mark.parametrize("tenant", ["nope", "..%2F..%2Fetc", "A" * 100, "%00"])
async def test_unknown_or_malformed_tenant_ids_are_404(client, tenant):
    for method, path in [
        ("GET", f"/admin/tenants/{tenant}"),
        ("POST", f"/admin/tenants/{tenant}/suspend"),
        ("DELETE", f"/admin/tenants/{tenant}"),
        ("POST", f"/admin/tenants/{tenant}/keys"),
    ]:
        response = await client.request(method, path, auth=BASIC)
        assert response.status_code == 404, (method, path, response.text)


async def test_revoking_another_tenants_key_is_404_and_leaves_it_working(client):
    _, a_key = await onboard(client, "A")
    b, _ = await onboard(client, "B")
    a_key_id = a_key["Authorization"].split()[1].split(".")[0]
    response = await client.delete(f"/admin/tenants/{b}/keys/{a_key_id}", auth=BASIC)
    assert response.status_code == 404
    assert (await client.get("/v1/documents", headers=a_key)).status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer nonsense", "Bearer rlk_0123456789ab.wrong", "Basic cm9vdDpwdw==", "bearer  "],
)
async def test_v1_needs_a_valid_key(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    for method, path in [("GET", "/v1/documents"), ("POST", "/v1/query"), ("GET", "/v1/audit")]:
        response = await client.request(method, path, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Bearer realm="ragloom"'
    await (await client.app.state.runtime.get("refusals")).flush()
    trail = await client.app.state.runtime.audit()
    failures = [r async for r in trail.records("_system") if r.action == "auth.fail"]
    assert len(failures) == 1 and failures[0].details["count"] == 3  # one record for the window
    assert all("rlk_" not in str(r.details) and "wrong" not in str(r.details) for r in failures)


async def test_quotas_answer_429_with_a_clear_message(client):
    _, key = await onboard(client, "Small", max_documents=2, max_bytes=100)
    assert (await _upload(client, key, "a.txt", b"a" * 40)).status_code == 201
    assert (await _upload(client, key, "a.txt", b"a" * 40)).status_code == 200  # same bytes: no new document
    too_big = await _upload(client, key, "b.txt", b"b" * 61)
    assert too_big.status_code == 429
    assert "limit of 100" in too_big.json()["error"]["message"]
    assert (await _upload(client, key, "b.txt", b"b" * 60)).status_code == 201
    too_many = await _upload(client, key, "c.txt", b"c")
    assert too_many.status_code == 429 and too_many.json()["error"]["code"] == "quota_exceeded"
    assert "limit is 2" in too_many.json()["error"]["message"]
    documents = (await client.get("/v1/documents", headers=key)).json()["documents"]
    assert len(documents) == 2


async def test_configured_default_quota_applies_and_0_means_unlimited(tmp_path):
    http, context = await _client(
        memory_settings(tmp_path, admin=ADMIN_SETTINGS, quotas={"max_documents": 1})
    )
    try:
        _, limited = await onboard(http, "Default limits")
        _, unlimited = await onboard(http, "Unlimited", max_documents=0)
        assert (await _upload(http, limited, "a.txt", b"one")).status_code == 201
        assert (await _upload(http, limited, "b.txt", b"two")).status_code == 429
        for i in range(3):
            assert (await _upload(http, unlimited, f"{i}.txt", f"doc {i}".encode())).status_code == 201
    finally:
        await http.aclose()
        await context.__aexit__(None, None, None)


async def test_every_action_is_audited_without_personal_data(client):
    _, key = await onboard(client, "Audited")
    request_id = "3f2b8c1e-5d4a-4e7f-9c2b-1a0d6e8f7b3c"
    headers = {**key, "X-Request-Id": request_id}
    upload = await _upload(client, headers, "jane-doe-cv.txt", b"Jane Doe lives at 12 Elm Street.")
    assert upload.headers["x-request-id"] == request_id
    document_id = upload.json()["id"]
    await wait_for_status(_Keyed(client, key), document_id)
    question = "Where does Jane Doe live?"
    assert (await client.post("/v1/query", json={"question": question}, headers=key)).status_code == 200
    assert (await client.delete(f"/v1/documents/{document_id}", headers=key)).status_code == 204
    records = await _chain(client, key)
    assert [r["action"] for r in records] == [
        "tenant.create",
        "document.upload",
        "document.ready",
        "query.answer",
        "document.delete",
    ]
    assert [r["seq"] for r in records] == [1, 2, 3, 4, 5]
    assert records[1]["request_id"] == request_id and records[1]["target"] == document_id
    assert records[0]["actor"].startswith("admin:") and records[1]["actor"].startswith("key:rlk_")
    assert records[3]["details"]["cited_documents"] == [document_id]
    exported = str(records)
    for personal in ("Jane", "Elm", "jane-doe", question):
        assert personal not in exported


async def test_an_answer_that_fails_midway_is_audited_as_unfinished(tmp_path):
    from ragloom.contracts.spec import Port
    from ragloom.core.errors import ProviderUnavailable
    from ragloom.core.models import ChatDelta
    from tests.helpers.runtime import parse_sse

    class FailingModel:
        name = "failing"

        async def stream(self, request):
            yield ChatDelta("The first words")
            raise ProviderUnavailable("the model went away")

    settings = memory_settings(tmp_path, admin=ADMIN_SETTINGS)
    app = create_app(settings, overrides={Port.CHAT_MODEL: FailingModel()})
    async with app.router.lifespan_context(app):
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ragloom.test")
        _, key = await onboard(client, "Unlucky")
        document = (await _upload(client, key, "owls.txt", b"Owls hunt at night.")).json()
        await wait_for_status(_Keyed(client, key), document["id"])
        question = "When do owls hunt?"
        response = await client.post("/v1/query", json={"question": question}, headers=key)
        events = parse_sse(response.text)
        assert events[-1][0] == "error" and events[-1][1]["error"]["code"] == "provider_unavailable"
        records = await _chain(client, key)
        await client.aclose()
    assert records[-1]["action"] == "query.unfinished"
    assert records[-1]["details"]["reason"] == "provider_unavailable"
    assert len(records[-1]["details"]["question_hmac"]) == 64 and question not in str(records)
    assert "query.answer" not in [r["action"] for r in records]


async def test_a_client_that_leaves_mid_answer_is_audited_as_unfinished(tmp_path):
    """Driven at the ASGI level: the client disconnects after the first delta of a slow answer."""
    import asyncio
    import json

    from ragloom.contracts.spec import Port
    from ragloom.core.models import ChatDelta

    class SlowModel:
        name = "slow"

        async def stream(self, request):
            yield ChatDelta("The first words")
            await asyncio.sleep(30)
            yield ChatDelta("never sent")

    # the SQLite store: its append really awaits, where a cancelled stream would lose the record
    settings = memory_settings(tmp_path, admin=ADMIN_SETTINGS, adapters={"metadata_store": "sqlalchemy"})
    app = create_app(settings, overrides={Port.CHAT_MODEL: SlowModel()})
    async with app.router.lifespan_context(app):
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ragloom.test")
        _, key = await onboard(client, "Impatient")
        document = (await _upload(client, key, "owls.txt", b"Owls hunt at night.")).json()
        await wait_for_status(_Keyed(client, key), document["id"])

        first_delta = asyncio.Event()
        body = json.dumps({"question": "When do owls hunt?"}).encode()
        requested = False

        async def receive():
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": body, "more_body": False}
            await first_delta.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            if message["type"] == "http.response.body" and b"event: delta" in message.get("body", b""):
                first_delta.set()

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/v1/query",
            "raw_path": b"/v1/query",
            "query_string": b"",
            "root_path": "",
            "server": ("ragloom.test", 80),
            "client": ("127.0.0.1", 5000),
            "headers": [
                (b"content-type", b"application/json"),
                (b"authorization", key["Authorization"].encode()),
            ],
            "app": app,
        }
        await asyncio.wait_for(app(scope, receive, send), timeout=10)  # returns long before the 30 s
        records = await _chain(client, key)
        await client.aclose()
    assert first_delta.is_set()
    assert records[-1]["action"] == "query.unfinished"
    assert records[-1]["details"]["reason"] == "client disconnected"


async def test_an_administrator_raises_a_quota_and_the_tenant_sees_it(client):
    tenant, key = await onboard(client, "Growing", max_documents=1)
    assert (await _upload(client, key, "a.txt", b"first")).status_code == 201
    assert (await _upload(client, key, "b.txt", b"second")).status_code == 429
    seen = (await client.get("/v1/tenant", headers=key)).json()
    assert seen["id"] == tenant and seen["limits"] == {"max_documents": 1, "max_bytes": 0}
    assert seen["usage"] == {"documents": 1, "bytes": 5}

    raised = await client.patch(f"/admin/tenants/{tenant}", json={"max_documents": 2}, auth=BASIC)
    assert raised.status_code == 200 and raised.json()["max_documents"] == 2
    assert (await _upload(client, key, "b.txt", b"second")).status_code == 201
    assert (await client.get("/v1/tenant", headers=key)).json()["limits"]["max_documents"] == 2
    back = await client.patch(f"/admin/tenants/{tenant}", json={"max_documents": None}, auth=BASIC)
    assert back.json()["max_documents"] is None  # the configured default (0 = unlimited) applies again
    assert (await client.get("/v1/tenant", headers=key)).json()["limits"]["max_documents"] == 0

    for body in ({}, {"max_documents": -1}, {"max_bytes": "a lot"}, {"colour": 1}, {"name": "x"}):
        response = await client.patch(f"/admin/tenants/{tenant}", json=body, auth=BASIC)
        assert response.status_code == 400, body
    assert (await client.patch("/admin/tenants/nope", json={"max_bytes": 1}, auth=BASIC)).status_code == 404
    actions = [r["action"] for r in await _chain(client, key)]
    assert actions.count("tenant.limits") == 2
    await client.delete(f"/admin/tenants/{tenant}", auth=BASIC)
    gone = await client.patch(f"/admin/tenants/{tenant}", json={"max_bytes": 1}, auth=BASIC)
    assert gone.status_code == 409


@pytest.mark.parametrize("offered", ["jane.doe", "x" * 100, "req 1", "", "a@b.c"])
async def test_a_free_form_request_id_is_replaced_not_recorded(client, offered):
    _, key = await onboard(client, "Ids")
    response = await client.get("/v1/documents", headers={**key, "X-Request-Id": offered})
    assert response.status_code == 200
    issued = response.headers["x-request-id"]
    assert issued != offered and len(issued) == 32 and set(issued) <= set("0123456789abcdef")
