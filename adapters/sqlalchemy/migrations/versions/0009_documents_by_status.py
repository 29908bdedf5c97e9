"""An index of a tenant's documents by status: each search asks which of them are not searchable.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_documents_tenant_status", "documents", ["tenant_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_documents_tenant_status", table_name="documents")
