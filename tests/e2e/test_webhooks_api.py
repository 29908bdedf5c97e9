"""/v1/webhooks and /admin/webhooks over HTTP: a tenant registers an endpoint, sees its secret once,
receives signed events at a real receiver, reads the delivery log, rotates the secret and deletes
the endpoint; bad bodies, private targets and another tenant's ids get clear errors; the operator's
endpoints sit behind the admin credentials."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from ragloom.entrypoints.http.app import create_app
from tests.helpers.receiver import Receiver, receiving
from tests.helpers.runtime import memory_settings
from tests.helpers.tenants import ADMIN, ADMIN_SETTINGS, onboard

BASIC = httpx.BasicAuth(*ADMIN)


@pytest.fixture
async def client(tmp_path):
    settings = memory_settings(
        tmp_path,
        admin=ADMIN_SETTINGS,
        plugins={"webhook_sender": {"http": {"allowed_networks": ["127.0.0.0/8"]}}},
        ingest={"outbox_relay_interval_seconds": 0.05},
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ragloom.test") as http:
            yield http


async def _log(client, headers, endpoint_id, count=1):
    async with asyncio.timeout(20):
        while True:
            response = await client.get(f"/v1/webhooks/{endpoint_id}/deliveries", headers=headers)
            assert response.status_code == 200
            deliveries = response.json()["deliveries"]
            if sum(d["status"] != "pending" for d in deliveries) >= count:
                return deliveries
            await asyncio.sleep(0.05)


async def test_a_tenant_registers_receives_rotates_and_deletes(client):
    _, headers = await onboard(client, "Acme")
    with receiving(Receiver()) as receiver:
        body = {"url": receiver.url, "event_types": ["document.ready"]}
        created = await client.post("/v1/webhooks", json=body, headers=headers)
        assert created.status_code == 201, created.text
        endpoint = created.json()
        assert endpoint["secret"].startswith("whsec_") and endpoint["enabled"] is True
        assert created.headers["location"] == f"/v1/webhooks/{endpoint['id']}"
        receiver.secret = endpoint["secret"]
        shown = (await client.get(f"/v1/webhooks/{endpoint['id']}", headers=headers)).json()
        listed = (await client.get("/v1/webhooks", headers=headers)).json()["webhooks"]
        assert "secret" not in shown and [e["id"] for e in listed] == [endpoint["id"]]
        assert "secret" not in listed[0]

        uploaded = await client.post(
            "/v1/documents", files={"file": ("a.txt", b"Terns migrate far.", "text/plain")}, headers=headers
        )
        document_id = uploaded.json()["id"]
        [delivery] = await _log(client, headers, endpoint["id"])
        assert delivery["status"] == "delivered" and delivery["response_status"] == 204
        [request] = await receiver.wait_for(1)
        assert request.verified["data"]["document_id"] == document_id
        assert request.headers["webhook-id"] == delivery["id"]

        rotated = await client.post(f"/v1/webhooks/{endpoint['id']}/rotate-secret", headers=headers)
        assert rotated.status_code == 200 and rotated.json()["secret"] != endpoint["secret"]
        deleted = await client.delete(f"/v1/webhooks/{endpoint['id']}", headers=headers)
        assert deleted.status_code == 204
        gone = await client.get(f"/v1/webhooks/{endpoint['id']}/deliveries", headers=headers)
        assert gone.status_code == 404


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"url": "http://10.0.0.8/hook", "event_types": ["document.ready"]}, "allowed_networks"),
        ({"url": "http://169.254.169.254/", "event_types": ["document.ready"]}, "link-local"),
        ({"url": "gopher://example.com/", "event_types": ["document.ready"]}, "http"),
        ({"url": "http://127.0.0.1/", "event_types": ["tenant.deleted"]}, "must be one of"),
        ({"url": "http://127.0.0.1/", "event_types": []}, "at least 1 item"),
        ({"url": "http://127.0.0.1/", "event_types": "document.ready"}, "must be a list"),
        ({"url": 42, "event_types": ["document.ready"]}, "'url' must be a string"),
        ({"url": "http://127.0.0.1/"}, "'event_types' is required"),
        ({"url": "http://127.0.0.1/", "event_types": ["document.ready"], "secret": "mine"}, "unknown fields"),
        ({"url": "http://127.0.0.1/" + "a" * 3000, "event_types": ["document.ready"]}, "2048"),
    ],
)
async def test_bad_registrations_are_400_with_a_reason(client, body, says):
    _, headers = await onboard(client, "Acme")
    response = await client.post("/v1/webhooks", json=body, headers=headers)
    assert response.status_code == 400, response.text
    assert says in response.json()["error"]["message"]
    assert (await client.get("/v1/webhooks", headers=headers)).json()["webhooks"] == []


async def test_another_tenants_endpoint_is_404_on_every_route(client):
    _, mine = await onboard(client, "Mine")
    _, theirs = await onboard(client, "Theirs")
    with receiving(Receiver()) as receiver:
        body = {"url": receiver.url, "event_types": ["chat.deleted"]}
        endpoint_id = (await client.post("/v1/webhooks", json=body, headers=theirs)).json()["id"]
    for method, path in [
        ("GET", f"/v1/webhooks/{endpoint_id}"),
        ("DELETE", f"/v1/webhooks/{endpoint_id}"),
        ("POST", f"/v1/webhooks/{endpoint_id}/rotate-secret"),
        ("POST", f"/v1/webhooks/{endpoint_id}/enable"),
        ("GET", f"/v1/webhooks/{endpoint_id}/deliveries"),
        ("GET", "/v1/webhooks/wh_..%2F..%2Fetc"),
        ("GET", "/admin/webhooks/" + endpoint_id),
    ]:
        response = await client.request(method, path, headers=mine)
        assert response.status_code in (401, 404), (method, path)
    assert (await client.get(f"/v1/webhooks/{endpoint_id}", headers=theirs)).status_code == 200


async def test_the_operators_endpoints_need_the_admin_credentials(client):
    with receiving(Receiver()) as receiver:
        body = {"url": receiver.url, "event_types": ["tenant.deleted"]}
        assert (await client.post("/admin/webhooks", json=body)).status_code == 401
        created = await client.post("/admin/webhooks", json=body, auth=BASIC)
        assert created.status_code == 201, created.text
        receiver.secret = created.json()["secret"]
        tenant_id, _ = await onboard(client, "Short-lived")
        removed = (await client.delete(f"/admin/tenants/{tenant_id}", auth=BASIC)).json()["removed"]
        [request] = await receiver.wait_for(1)
        assert request.verified["data"] == {"tenant_id": tenant_id, "receipt": removed}
        log = await client.get(f"/admin/webhooks/{created.json()['id']}/deliveries", auth=BASIC)
        assert log.status_code == 200 and log.json()["deliveries"][0]["event_type"] == "tenant.deleted"
        wrong = await client.post(
            "/admin/webhooks", json={**body, "event_types": ["document.ready"]}, auth=BASIC
        )
        assert wrong.status_code == 400
