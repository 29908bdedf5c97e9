"""The transactional outbox: jobs written with the rows they concern, kept until published.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCOPED = (
    "tenant_id = current_setting('ragloom.tenant_id', true) OR current_setting('ragloom.system', true) = 'on'"
)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index("ix_outbox_created", "outbox", ["created_at"])
    if op.get_bind().dialect.name == "postgresql":  # written in a tenant's scope, relayed in the system's
        op.execute("ALTER TABLE outbox ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE outbox FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY outbox_tenant_scope ON outbox USING ({_SCOPED}) WITH CHECK ({_SCOPED})")


def downgrade() -> None:
    op.drop_index("ix_outbox_created", table_name="outbox")
    op.drop_table("outbox")
