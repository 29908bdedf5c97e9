"""Embedding spaces: the text embedders ever configured (to open a space tenants still search), and
on each tenant the space its searches use and where an unfinished reindex of it goes on.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SYSTEM = "current_setting('ragloom.system', true) = 'on'"


def upgrade() -> None:
    op.create_table(
        "embedding_spaces",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("adapter", sa.String(128), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("dimension", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_embedding_spaces"),
    )
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("embedding_space", sa.String(64), nullable=True))
        batch.add_column(sa.Column("reindex_cursor", sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":  # the system scope only: no tenant reads it
        op.execute("ALTER TABLE embedding_spaces ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE embedding_spaces FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY embedding_spaces_system_scope ON embedding_spaces USING ({_SYSTEM}) "
            f"WITH CHECK ({_SYSTEM})"
        )


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("reindex_cursor")
        batch.drop_column("embedding_space")
    op.drop_table("embedding_spaces")
