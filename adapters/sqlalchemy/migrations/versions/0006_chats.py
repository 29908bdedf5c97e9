"""Chats and their messages, tenant data under row-level security like documents.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TENANT_ONLY = "tenant_id = current_setting('ragloom.tenant_id', true)"
_TABLES = ("chats", "chat_messages")


def upgrade() -> None:
    op.create_table(
        "chats",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("message_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_chats"),
    )
    op.create_index("ix_chats_tenant_created", "chats", ["tenant_id", "created_at", "id"])
    op.create_table(
        "chat_messages",
        sa.Column("chat_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refs", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("model", sa.Text(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=True),
        sa.Column("cached", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("no_answer", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("finished", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("chat_id", "seq", name="pk_chat_messages"),
    )
    op.create_index("ix_chat_messages_tenant", "chat_messages", ["tenant_id"])
    if op.get_bind().dialect.name == "postgresql":
        for table in _TABLES:
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY {table}_tenant_scope ON {table} "
                f"USING ({_TENANT_ONLY}) WITH CHECK ({_TENANT_ONLY})"
            )


def downgrade() -> None:
    op.drop_index("ix_chat_messages_tenant", table_name="chat_messages")
    op.drop_table("chat_messages")
    op.drop_index("ix_chats_tenant_created", table_name="chats")
    op.drop_table("chats")
