"""Metadata in SQL: SQLite (embedded) or PostgreSQL (production) through SQLAlchemy async."""

from ragloom.adapters.sqlalchemy.settings import SqlAlchemySettings
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
        )
    ]
