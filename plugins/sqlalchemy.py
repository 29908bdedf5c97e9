"""Metadata (units of work over tenants, keys, documents and audit records) in SQLite or PostgreSQL."""

from ragloom.adapters.sqlalchemy.settings import SqlAlchemySettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.METADATA_STORE,
            "sqlalchemy",
            lazy("ragloom.adapters.sqlalchemy.unit_of_work:open_metadata_store"),
            SqlAlchemySettings,
            "SQLite or PostgreSQL via SQLAlchemy, schema by Alembic, row-level security on PostgreSQL",
        ),
    ]
