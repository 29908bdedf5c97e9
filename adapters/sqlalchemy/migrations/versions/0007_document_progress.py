"""How far a document's ingestion has come, 0..1 (1 once it is ready), so a long video shows its
progress while it is processed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("progress", sa.Float(), nullable=False, server_default="0"))
    op.execute("UPDATE documents SET progress = 1 WHERE status = 'ready'")


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("progress")
