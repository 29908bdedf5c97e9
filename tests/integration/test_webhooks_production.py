"""Webhooks on the production profile for real (PostgreSQL under row-level security, Redis streams):
the delivery is written by the worker in the unit of work that makes the document ready, its attempt
runs as a job on the text pool's queue, the failed first attempt is scheduled again through the
outbox, and the second reaches the receiver with the same message id, signed."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest

from ragloom.core.models import Modality
from ragloom.entrypoints.bootstrap import open_runtime
from ragloom.entrypoints.settings import load_settings
from ragloom.entrypoints.worker.consumer import consume
from tests.helpers.receiver import Receiver, receiving
from tests.helpers.server import running_server
from tests.helpers.tenants import onboard

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


async def test_a_webhook_is_retried_through_the_outbox_and_delivered_once(environment):
    environment = {
        **environment,
        "RAGLOOM_PLUGINS__WEBHOOK_SENDER__HTTP__ALLOWED_NETWORKS": "['127.0.0.0/8']",
        "RAGLOOM_WEBHOOKS__RETRY_DELAYS_SECONDS": "[0.5]",
    }
    worker_settings = load_settings(
        environ={k: v for k, v in environment.items() if k.startswith("RAGLOOM_")}
    )
    with receiving(Receiver(answers=[500, 204])) as receiver, running_server(environment) as url:
        async with open_runtime(worker_settings) as worker_runtime:
            await worker_runtime.lifecycle.start_ingestion()
            worker = asyncio.create_task(consume(worker_runtime, Modality.TEXT))
            try:
                async with httpx.AsyncClient(base_url=url, timeout=30) as client:
                    _, headers = await onboard(client, "Acme")
                    body = {"url": receiver.url, "event_types": ["document.ready"]}
                    created = await client.post("/v1/webhooks", json=body, headers=headers)
                    assert created.status_code == 201, created.text
                    endpoint = created.json()
                    receiver.secret = endpoint["secret"]
                    uploaded = await client.post(
                        "/v1/documents",
                        files={"file": ("terns.txt", b"Arctic terns fly pole to pole.", "text/plain")},
                        headers=headers,
                    )
                    assert uploaded.status_code == 201
                    first, second = await receiver.wait_for(2, timeout=60)
                    async with asyncio.timeout(30):
                        while True:
                            log = await client.get(
                                f"/v1/webhooks/{endpoint['id']}/deliveries", headers=headers
                            )
                            [delivery] = log.json()["deliveries"]
                            if delivery["status"] != "pending":
                                break
                            await asyncio.sleep(0.1)
            finally:
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery["id"]
    assert second.verified["data"]["document_id"] == uploaded.json()["id"]
    assert (delivery["status"], delivery["attempts"], delivery["response_status"]) == ("delivered", 2, 204)
    assert len(receiver.received) == 2
