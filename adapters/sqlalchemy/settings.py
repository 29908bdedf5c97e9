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

    url: str
    pool_size: int = 50
    max_overflow: int = 50
    echo: bool = False
    migrate: bool = True
    app_role: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
