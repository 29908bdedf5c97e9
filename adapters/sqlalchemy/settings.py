"""Settings of the SQLAlchemy metadata store (`plugins.sqlalchemy` in the config)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SqlAlchemySettings(BaseModel):
    """Where the database is and how to pool connections to it.

    `url` is an async SQLAlchemy URL: `sqlite+aiosqlite:///path/db.sqlite` (embedded) or
    `postgresql+asyncpg://user:password@host/db` (production). The pool sizes apply to servers only.
    """

    model_config = ConfigDict(extra="forbid")

    url: str
    pool_size: int = 50
    max_overflow: int = 50
    echo: bool = False
    migrate: bool = True
