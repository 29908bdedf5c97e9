"""Metadata and the audit trail in SQL: SQLite (embedded) or PostgreSQL (production) through SQLAlchemy."""

from ragloom.adapters.sqlalchemy.audit import open_audit_log
from ragloom.adapters.sqlalchemy.settings import SqlAlchemySettings, SqlAuditSettings
from ragloom.adapters.sqlalchemy.store import open_metadata_store
from ragloom.contracts import AdapterSpec, Port, hookimpl


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.METADATA_STORE,
            "sqlalchemy",
            open_metadata_store,
            SqlAlchemySettings,
            "SQLite or PostgreSQL via SQLAlchemy, schema by Alembic",
        ),
        AdapterSpec(
            Port.AUDIT_LOG,
            "sql_audit",
            open_audit_log,
            SqlAuditSettings,
            "hash-chained, Ed25519-signed, append-only audit records in SQLite or PostgreSQL",
        ),
    ]
