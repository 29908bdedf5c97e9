"""Tenants, API keys, the append-only audit trail; row-level security on PostgreSQL.

Row-level security (PostgreSQL only) is defence in depth behind the adapters' own `tenant_id`
filters: every transaction of the store sets `ragloom.tenant_id` (and `ragloom.system` for directory
and audit-verification calls) with `set_config(..., true)`, and the policies below admit only the
rows of that tenant. `FORCE` makes them bind the tables' owner too; superusers and roles with
BYPASSRLS still bypass them, so the application must connect as an ordinary role.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_MESSAGE = "audit records are append-only"

_TENANT = "current_setting('ragloom.tenant_id', true)"
_SYSTEM = "current_setting('ragloom.system', true) = 'on'"
_POLICIES = {
    "documents": f"tenant_id = {_TENANT}",
    "api_keys": f"tenant_id = {_TENANT} OR {_SYSTEM}",
    "audit_records": f"tenant_id = {_TENANT} OR {_SYSTEM}",
    "tenants": f"id = {_TENANT} OR {_SYSTEM}",
}

_PG_APPEND_ONLY = f"""
CREATE FUNCTION ragloom_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'P0001';
END
$$
"""

_SQLITE_TRIGGERS = {
    "audit_records_no_update": "UPDATE",
    "audit_records_no_delete": "DELETE",
}


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("max_documents", sa.BigInteger(), nullable=True),
        sa.Column("max_bytes", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tenants"),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
    )
    op.create_index("ix_api_keys_tenant_id", "api_keys", ["tenant_id"])
    op.create_table(
        "audit_records",
        sa.Column("chain", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("request_id", sa.Text(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("chain", "seq", name="pk_audit_records"),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade()
    else:
        for name, operation in _SQLITE_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {operation} ON audit_records "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )


def _postgres_upgrade() -> None:
    op.execute(_PG_APPEND_ONLY)
    op.execute(
        "CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records "
        "FOR EACH ROW EXECUTE FUNCTION ragloom_audit_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records "
        "FOR EACH STATEMENT EXECUTE FUNCTION ragloom_audit_append_only()"
    )
    for table, condition in _POLICIES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {table}_tenant_scope ON {table} USING ({condition}) WITH CHECK ({condition})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _POLICIES:
            op.execute(f"DROP POLICY IF EXISTS {table}_tenant_scope ON {table}")
        op.execute("ALTER TABLE documents NO FORCE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE documents DISABLE ROW LEVEL SECURITY")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("audit_records")  # drops its PostgreSQL triggers with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ragloom_audit_append_only()")
    op.drop_index("ix_api_keys_tenant_id", table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_table("tenants")
