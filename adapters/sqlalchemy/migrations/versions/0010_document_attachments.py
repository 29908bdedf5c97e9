"""An e-mail's attachments are documents of their own, linked to the message they came in.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("parent_id", sa.String(36), nullable=True))
    op.create_index("ix_documents_tenant_parent", "documents", ["tenant_id", "parent_id"])


def downgrade() -> None:
    op.drop_index("ix_documents_tenant_parent", table_name="documents")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("parent_id")
