"""Jobs of every kind in the outbox (subject, lane, a time they are due), and webhooks: endpoints
and their deliveries.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCOPED = (
    "tenant_id = current_setting('ragloom.tenant_id', true) OR current_setting('ragloom.system', true) = 'on'"
)
_RELAY_AFTER = timedelta(seconds=10)  # the relay's default wait, for the entries written before this


def upgrade() -> None:
    _outbox_with_jobs()
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("event_types", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("disabled_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_endpoints"),
    )
    op.create_index("ix_webhook_endpoints_tenant", "webhook_endpoints", ["tenant_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("endpoint_id", sa.String(40), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
    )
    op.create_index("ix_webhook_deliveries_endpoint", "webhook_deliveries", ["endpoint_id", "created_at"])
    op.create_index("ix_webhook_deliveries_tenant", "webhook_deliveries", ["tenant_id"])
    if op.get_bind().dialect.name == "postgresql":  # the operator's rows belong to the system scope
        for table in ("webhook_endpoints", "webhook_deliveries"):
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY {table}_tenant_scope ON {table} USING ({_SCOPED}) WITH CHECK ({_SCOPED})"
            )


def _outbox_with_jobs() -> None:
    """The entries waiting now were all ingestion jobs: their document becomes the subject, their
    modality the lane."""
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("subject", sa.String(128), nullable=True))
        batch.add_column(sa.Column("lane", sa.String(16), nullable=True))
        batch.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
    outbox = sa.table(
        "outbox",
        sa.column("id", sa.String),
        sa.column("payload", sa.JSON),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("subject", sa.String),
        sa.column("lane", sa.String),
        sa.column("due_at", sa.DateTime(timezone=True)),
    )
    bind = op.get_bind()
    waiting = bind.execute(sa.select(outbox.c.id, outbox.c.payload, outbox.c.created_at)).all()
    for entry_id, payload, created_at in waiting:
        bind.execute(
            outbox.update()
            .where(outbox.c.id == entry_id)
            .values(
                subject=payload["document_id"],
                lane=payload["modality"],
                payload={},
                due_at=created_at + _RELAY_AFTER,
            )
        )
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("subject", nullable=False)
        batch.alter_column("lane", nullable=False)
        batch.alter_column("due_at", nullable=False)
        batch.drop_index("ix_outbox_created")
        batch.create_index("ix_outbox_due", ["due_at"])


def downgrade() -> None:
    """Back to ingestion jobs only: any other job waiting in the outbox is dropped."""
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
    bind = op.get_bind()
    outbox = sa.table(
        "outbox",
        sa.column("kind", sa.String),
        sa.column("subject", sa.String),
        sa.column("lane", sa.String),
        sa.column("payload", sa.JSON),
    )
    bind.execute(outbox.delete().where(outbox.c.kind != "ingest"))
    for subject, lane in bind.execute(sa.select(outbox.c.subject, outbox.c.lane)).all():
        bind.execute(
            outbox.update()
            .where(outbox.c.subject == subject, outbox.c.kind == "ingest")
            .values(payload={"document_id": subject, "modality": lane})
        )
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_due")
        batch.create_index("ix_outbox_created", ["created_at"])
        batch.drop_column("due_at")
        batch.drop_column("lane")
        batch.drop_column("subject")
