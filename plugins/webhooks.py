"""Webhook delivery over HTTP, signed per Standard Webhooks."""

from ragloom.adapters.webhooks.settings import HttpWebhookSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.WEBHOOK_SENDER,
            "http",
            lazy("ragloom.adapters.webhooks.sender:open_http_sender"),
            HttpWebhookSettings,
            "HTTPS posts signed with the endpoint's secret; private addresses refused unless allowed",
        ),
    ]
