"""Settings of the HTTP webhook sender (`plugins.webhook_sender.http`)."""

from __future__ import annotations

import ipaddress

from pydantic import BaseModel, ConfigDict, Field, field_validator


class HttpWebhookSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timeout_seconds: float = Field(10.0, gt=0, le=120, description="one attempt's limit, connect to answer")
    allowed_networks: list[str] = Field(
        default_factory=list,
        description="networks (CIDR) webhooks may be posted to although they are private, loopback or "
        "link-local, e.g. ['10.20.0.0/16'] for a receiver inside your network; empty: public addresses only",
    )
    max_connections: int = Field(
        20, ge=1, le=1000, description="connections open at once, over all endpoints"
    )

    @field_validator("allowed_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            ipaddress.ip_network(network, strict=False)  # ValueError names the bad one
        return value
