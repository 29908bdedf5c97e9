"""Settings of the SQL metadata store (`plugins.metadata_store.sqlalchemy`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SqlAlchemySettings(BaseModel):
    """Where the database is and how to pool connections to it.

    `url` is an async SQLAlchemy URL: `sqlite+aiosqlite:///path/db.sqlite` (embedded) or
    `postgresql+asyncpg://user:password@host/db` (production). The pool sizes apply to servers only.

    `app_role` (PostgreSQL): when the owner of the schema migrates (`ragloom db migrate`), grant
    this role least privileges; the service then connects as it with `migrate: false`.
    """

    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        description="Async SQLAlchemy URL: sqlite+aiosqlite:///path/db.sqlite or postgresql+asyncpg://..."
    )
    pool_size: int = Field(50, description="Connections the pool keeps open (servers only, not SQLite).")
    max_overflow: int = Field(
        50, description="Connections opened beyond pool_size under load (servers only, not SQLite)."
    )
    echo: bool = Field(False, description="Log every SQL statement (SQLAlchemy's echo), for debugging.")
    migrate: bool = Field(
        True,
        description="Upgrade the schema to the newest revision at start (false: run `ragloom db migrate`).",
    )
    app_role: str | None = Field(
        None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$",
        description="PostgreSQL role granted least privileges by migrations, for the service to connect as.",
    )
