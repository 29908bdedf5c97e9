"""Webhooks through the real bootstrap (in-memory stores, the in-process queue) and the real HTTP
sender, posting to real receivers on loopback that verify each signature with the `standardwebhooks`
library: delivered and logged; retried after failures with the same message id; a receiver that
never answers given up and its endpoint disabled; secrets rotated; private targets refused; tenants
kept apart; the operator told of tenant deletions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from ragloom.adapters.webhooks.sender import open_http_sender
from ragloom.adapters.webhooks.settings import HttpWebhookSettings
from ragloom.core.errors import InvalidInput, NotFound, QuotaExceeded
from ragloom.core.models import DEFAULT_TENANT, SYSTEM_OWNER, DeliveryStatus, Job, TenantId
from ragloom.core.services.webhooks import new_secret
from ragloom.core.streams import IncomingFile
from ragloom.entrypoints.bootstrap import open_runtime
from tests.helpers.receiver import Receiver, message, receiving
from tests.helpers.runtime import memory_settings

T = DEFAULT_TENANT
LOOPBACK = {"webhook_sender": {"http": {"allowed_networks": ["127.0.0.0/8"], "timeout_seconds": 1.0}}}


def settings(tmp_path, *, plugins: dict | None = None, **webhooks: Any):
    return memory_settings(
        tmp_path,
        plugins=LOOPBACK if plugins is None else plugins,
        webhooks={"retry_delays_seconds": [0.1, 0.1], **webhooks},
        ingest={"outbox_relay_interval_seconds": 0.05},
    )


async def upload(runtime, text: str = "Puffins nest in burrows on cliff tops.") -> str:
    documents = await runtime.documents()
    result = await documents.upload(T, IncomingFile.from_bytes("puffins.txt", text.encode()))
    await runtime.lifecycle.wait_idle()
    return result.document.id


async def settled(webhooks, owner: TenantId, endpoint_id: str, count: int = 1, timeout: float = 20) -> list:
    """The endpoint's delivery log once `count` deliveries are no longer pending."""
    async with asyncio.timeout(timeout):
        while True:
            log = await webhooks.deliveries(owner, endpoint_id)
            done = [d for d in log if d.status != DeliveryStatus.PENDING]
            if len(done) >= count:
                return list(log)
            await asyncio.sleep(0.05)


async def test_a_ready_document_is_posted_signed_and_logged(tmp_path):
    with receiving(Receiver()) as receiver:
        async with open_runtime(settings(tmp_path)) as runtime:
            await runtime.lifecycle.start_all()
            webhooks = await runtime.get("webhooks")
            endpoint = await webhooks.create(T, receiver.url, ["document.ready", "document.deleted"])
            receiver.secret = endpoint.secret
            assert endpoint.secret.startswith("whsec_") and endpoint.event_types == (
                "document.ready",
                "document.deleted",
            )
            document_id = await upload(runtime)
            [delivery] = await settled(webhooks, T, endpoint.id)
            [request] = await receiver.wait_for(1)
            assert request.verified == {
                "type": "document.ready",
                "timestamp": request.verified["timestamp"],
                "data": {"document_id": document_id, "chunks": 1},
            }
            assert request.headers["webhook-id"] == delivery.id
            assert (delivery.status, delivery.attempts, delivery.response_status) == (
                DeliveryStatus.DELIVERED,
                1,
                204,
            )
            await (await runtime.documents()).delete(T, document_id)
            log = await settled(webhooks, T, endpoint.id, count=2)
            assert [d.event_type for d in log] == ["document.deleted", "document.ready"]  # newest first
            assert message((await receiver.wait_for(2))[1])["data"] == {"document_id": document_id}


async def test_a_receiver_failing_twice_gets_the_event_on_the_third_attempt(tmp_path):
    with receiving(Receiver(answers=[500, 503, 200])) as receiver:
        async with open_runtime(settings(tmp_path)) as runtime:
            await runtime.lifecycle.start_all()
            webhooks = await runtime.get("webhooks")
            endpoint = await webhooks.create(T, receiver.url, ["document.ready"])
            receiver.secret = endpoint.secret
            await upload(runtime)
            [delivery] = await settled(webhooks, T, endpoint.id)
            attempts = await receiver.wait_for(3)
            assert len({r.headers["webhook-id"] for r in attempts}) == 1  # one message, tried three times
            assert all(r.verified is not None for r in attempts)
            assert (delivery.status, delivery.attempts, delivery.response_status) == (
                DeliveryStatus.DELIVERED,
                3,
                200,
            )
            assert (await webhooks.get(T, endpoint.id)).failures == 0  # counted from the last delivered


async def test_a_receiver_that_never_answers_is_given_up_then_disabled(tmp_path):
    plugins = {"webhook_sender": {"http": {"allowed_networks": ["127.0.0.0/8"], "timeout_seconds": 0.3}}}
    with receiving(Receiver(stall_seconds=1.5)) as receiver:
        async with open_runtime(settings(tmp_path, plugins=plugins, disable_after_failures=4)) as runtime:
            await runtime.lifecycle.start_all()
            webhooks = await runtime.get("webhooks")
            endpoint = await webhooks.create(T, receiver.url, ["document.ready"])
            await upload(runtime, "Gannets dive from thirty metres.")
            [given_up] = await settled(webhooks, T, endpoint.id)
            assert (given_up.status, given_up.attempts) == (DeliveryStatus.FAILED, 3)  # 1 + 2 retries
            assert "Timeout" in given_up.error
            assert (await webhooks.get(T, endpoint.id)).enabled  # 3 failures in a row: not yet
            await upload(runtime, "Fulmars glide low over the waves.")
            log = await settled(webhooks, T, endpoint.id, count=2)
            assert log[0].attempts == 1 and log[0].status == DeliveryStatus.FAILED  # the 4th failure
            disabled = await webhooks.get(T, endpoint.id)
            assert not disabled.enabled and "4 failed attempts" in disabled.disabled_reason
            await upload(runtime, "Skuas chase terns for their catch.")
            await asyncio.sleep(0.3)
            assert len(await webhooks.deliveries(T, endpoint.id)) == 2  # nothing sent to a disabled one
            enabled = await webhooks.enable(T, endpoint.id)
            assert enabled.enabled and enabled.failures == 0
            actions = [r.action async for r in (await runtime.audit()).records(T)]
            assert {"webhook.create", "webhook.disable", "webhook.enable"} <= set(actions)


async def test_a_rotated_secret_signs_the_next_attempts(tmp_path):
    with receiving(Receiver()) as receiver:
        async with open_runtime(settings(tmp_path)) as runtime:
            await runtime.lifecycle.start_all()
            webhooks = await runtime.get("webhooks")
            endpoint = await webhooks.create(T, receiver.url, ["document.ready"])
            rotated = await webhooks.rotate_secret(T, endpoint.id)
            assert rotated.secret != endpoint.secret
            receiver.secret = endpoint.secret
            await upload(runtime)
            await settled(webhooks, T, endpoint.id)
            [request] = await receiver.wait_for(1)
            assert receiver.verify(request.headers, request.body) is None  # not with the old secret
            receiver.secret = rotated.secret
            assert receiver.verify(request.headers, request.body) is not None


async def test_an_attempt_delivered_twice_posts_once(tmp_path):
    with receiving(Receiver()) as receiver:
        async with open_runtime(settings(tmp_path)) as runtime:
            await runtime.lifecycle.start_all()
            webhooks = await runtime.get("webhooks")
            endpoint = await webhooks.create(T, receiver.url, ["document.ready"])
            await upload(runtime)
            [delivery] = await settled(webhooks, T, endpoint.id)
            again = Job.deliver_webhook(T, delivery.id, 1)  # the relay published it again after a crash
            assert await webhooks.deliver(again) == "delivered"
            assert len(receiver.received) == 1
            unknown = Job.deliver_webhook(T, "msg_" + "0" * 32, 1)
            assert await webhooks.deliver(unknown) == "gone"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hooks",
        "http://localhost/hooks",
        "http://169.254.169.254/latest/meta-data",  # a cloud's metadata service
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "ftp://example.com/",
        "https://user:secret@example.com/",
        "not a url",
        "",
    ],
)
async def test_private_and_malformed_targets_are_refused(tmp_path, url):
    async with open_runtime(settings(tmp_path, plugins={})) as runtime:
        await runtime.lifecycle.start_all()
        webhooks = await runtime.get("webhooks")
        with pytest.raises(InvalidInput):
            await webhooks.create(T, url, ["document.ready"])
        assert await webhooks.list(T) == []


async def test_every_attempt_checks_the_target_again():
    """A URL registered while its address was allowed is not posted to once it is not (a name that
    now resolves to the deployment's own network)."""
    with receiving(Receiver()) as receiver:
        async with open_http_sender(HttpWebhookSettings()) as sender:
            response = await sender.send(
                receiver.url, new_secret(), message_id="msg_1", timestamp=datetime.now(UTC), body="{}"
            )
        assert (
            response.status is None and "127.0.0.1" in response.error and "allowed_networks" in response.error
        )
        assert receiver.received == []


async def test_event_types_and_the_endpoint_limit_are_checked(tmp_path):
    with receiving(Receiver()) as receiver:
        async with open_runtime(settings(tmp_path, max_endpoints=2)) as runtime:
            await runtime.lifecycle.start_all()
            webhooks = await runtime.get("webhooks")
            for wrong in ([], ["document.ready", "tenant.deleted"], ["everything"], "document.ready"):
                with pytest.raises(InvalidInput):
                    await webhooks.create(T, receiver.url, wrong)
            await webhooks.create(T, receiver.url, ["chat.deleted"])
            await webhooks.create(T, receiver.url, ["document.failed"])
            with pytest.raises(QuotaExceeded):
                await webhooks.create(T, receiver.url, ["document.ready"])


async def test_tenants_see_and_are_told_only_their_own(tmp_path):
    with receiving(Receiver()) as mine, receiving(Receiver()) as theirs:
        async with open_runtime(settings(tmp_path)) as runtime:
            await runtime.lifecycle.start_all()
            other = (await (await runtime.tenants()).create("Other")).tenant.id
            webhooks = await runtime.get("webhooks")
            own = await webhooks.create(T, mine.url, ["document.ready", "chat.deleted"])
            foreign = await webhooks.create(other, theirs.url, ["document.ready", "chat.deleted"])
            for call in (
                webhooks.get(T, foreign.id),
                webhooks.delete(T, foreign.id),
                webhooks.rotate_secret(T, foreign.id),
                webhooks.enable(T, foreign.id),
                webhooks.deliveries(T, foreign.id),
            ):
                with pytest.raises(NotFound):
                    await call
            assert [e.id for e in await webhooks.list(T)] == [own.id]
            chats = await runtime.chats()
            chat = await chats.create(T)
            await chats.delete(T, chat.id)
            await upload(runtime)
            await settled(webhooks, T, own.id, count=2)
            assert sorted(message(r)["type"] for r in await mine.wait_for(2)) == [
                "chat.deleted",
                "document.ready",
            ]
            await asyncio.sleep(0.2)
            assert theirs.received == [] and await webhooks.deliveries(other, foreign.id) == []


async def test_the_operator_is_told_of_a_tenant_deletion(tmp_path):
    with receiving(Receiver()) as operator, receiving(Receiver()) as tenant_receiver:
        async with open_runtime(settings(tmp_path)) as runtime:
            await runtime.lifecycle.start_all()
            tenants = await runtime.tenants()
            doomed = (await tenants.create("Doomed")).tenant.id
            webhooks = await runtime.get("webhooks")
            with pytest.raises(InvalidInput):  # a tenant's endpoints are for its own events only
                await webhooks.create(doomed, tenant_receiver.url, ["tenant.deleted"])
            await webhooks.create(doomed, tenant_receiver.url, ["document.ready"])
            endpoint = await webhooks.create(SYSTEM_OWNER, operator.url, ["tenant.deleted"])
            operator.secret = endpoint.secret
            receipt = await tenants.delete(doomed)
            assert receipt["webhooks_rows"] == 1  # the tenant's own endpoint went with it
            [delivery] = await settled(webhooks, SYSTEM_OWNER, endpoint.id)
            assert delivery.status == DeliveryStatus.DELIVERED
            [request] = await operator.wait_for(1)
            assert request.verified["type"] == "tenant.deleted"
            assert request.verified["data"] == {"tenant_id": doomed, "receipt": receipt}
            with pytest.raises(NotFound):
                await webhooks.get(T, endpoint.id)  # the operator's endpoints are no tenant's
            again = Job.tell_operator(doomed, receipt)  # the relay published the job twice
            assert await webhooks.tell_operator(again) == "0 deliveries"
            assert len(await webhooks.deliveries(SYSTEM_OWNER, endpoint.id)) == 1
