"""What every SQL adapter shares: engines, migrations, the per-transaction tenant scope, error translation."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, exc, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from ragloom.core.errors import Conflict, InvalidInput, ProviderUnavailable

logger = logging.getLogger("ragloom.adapters.sqlalchemy")

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000
APPEND_ONLY = "audit records are append-only"  # the triggers' message (migration 0002)
_MIGRATION_LOCK = 0x7261676C  # "ragl": PostgreSQL advisory lock so concurrent starts migrate once
_UNIQUE_VIOLATION = "23505"
_DATA_EXCEPTION = "22"  # value too long, out of range, bad encoding: the caller's input
_RETRYABLE_SQLSTATES = ("08", "53", "57P", "40001", "40P01")  # connection, resources, shutdown, races
_FATAL_SQLSTATES = ("28", "3D000")  # bad credentials, missing database: retrying will not help
WRITE_OPTION = "ragloom_writes"  # execution option: this connection's transaction will write


def sqlstate(error: exc.DBAPIError) -> str:
    """The SQLSTATE of a PostgreSQL error ("" for SQLite and non-server errors)."""
    cause = error.orig
    for candidate in (cause, getattr(cause, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None)
        if code:
            return str(code)
    return ""


def is_unique_violation(error: exc.DBAPIError) -> bool:
    return sqlstate(error) == _UNIQUE_VIOLATION or "UNIQUE constraint failed" in str(error.orig)


@contextmanager
def translated(conflict: str = "the row already exists") -> Iterator[None]:
    """Turn driver and connection errors into the core error tree.

    A unique violation becomes `Conflict(conflict)`; the audit trail's append-only triggers
    (an UPDATE, DELETE or TRUNCATE of `audit_records`) become `Conflict` naming the rule.
    """
    try:
        yield
    except exc.DBAPIError as error:
        if APPEND_ONLY in str(error.orig):
            raise Conflict(f"{APPEND_ONLY}: they are never updated or deleted") from error
        if isinstance(error, exc.IntegrityError):
            if is_unique_violation(error):
                raise Conflict(conflict) from error
            raise InvalidInput("the database rejected the write (a required field is missing)") from error
        code = sqlstate(error)
        if code.startswith(_FATAL_SQLSTATES):
            raise ProviderUnavailable(
                f"metadata database refused us: {error.orig}", retryable=False
            ) from error
        if code.startswith(_DATA_EXCEPTION):
            raise InvalidInput(f"the database rejected a value: {error.orig}") from error
        if (
            error.connection_invalidated
            or code.startswith(_RETRYABLE_SQLSTATES)
            or isinstance(error, exc.OperationalError | exc.InterfaceError)
        ):
            raise ProviderUnavailable(f"metadata database unavailable: {error.orig}") from error
        raise
    except (exc.TimeoutError, OSError) as error:
        raise ProviderUnavailable(f"metadata database unavailable: {error}") from error


def alembic_config() -> Config:
    """A file-less Alembic config pointing at the shipped migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    return config


APP_GRANTS = (
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON documents, tenants, api_keys, chats, chat_messages, outbox, "
    "webhook_endpoints, webhook_deliveries TO {role}",
    "GRANT SELECT, INSERT ON audit_records TO {role}",
    "GRANT SELECT, INSERT ON embedding_spaces TO {role}",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_records FROM {role}",
    "GRANT SELECT ON alembic_version TO {role}",
)


async def migrate(engine: AsyncEngine, app_role: str | None = None) -> None:
    """Upgrade the schema to head in one transaction (a no-op when already there).

    With `app_role` (PostgreSQL), grant that role what the application needs and no more: it may
    read and write the tenant tables but only read and append audit records, and as it owns
    nothing it cannot drop the append-only trigger or switch row-level security off.
    """

    def _upgrade(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        if app_role and connection.dialect.name == "postgresql":
            role = connection.dialect.identifier_preparer.quote(app_role)
            for grant in APP_GRANTS:
                connection.execute(text(grant.format(role=role)))

    with translated():
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade)


async def warn_if_rls_bypassed(engine: AsyncEngine) -> bool:
    """Log a WARNING when the PostgreSQL role bypasses row-level security; return whether it does."""
    if engine.dialect.name != "postgresql":
        return False
    query = text("SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
    with translated():
        async with engine.connect() as connection:
            role, superuser, bypass = (await connection.execute(query)).one()
    if superuser or bypass:
        logger.warning(
            "row-level security is bypassed by role %s (%s): connect as an ordinary role so the "
            "tenant policies apply",
            role,
            "superuser" if superuser else "BYPASSRLS",
        )
        return True
    return False


def create_engine(url: str, *, echo: bool = False, pool_size: int = 5, max_overflow: int = 5) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and its folder created."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(
            parsed, echo=echo, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True
        )
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(parsed, echo=echo)
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(connection: Connection) -> None:
    """BEGIN IMMEDIATE for a writing transaction (it takes the write lock before its first read, so it
    never fails on a lock upgrade later), a deferred BEGIN otherwise."""
    writes = connection.get_execution_options().get(WRITE_OPTION, True)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the driver begins nothing itself: _sqlite_begin does
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # Safe with WAL: a crash cannot corrupt the file; power loss may drop the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@asynccontextmanager
async def opened_engine(
    url: str,
    *,
    echo: bool,
    pool_size: int,
    max_overflow: int,
    run_migrations: bool,
    app_role: str | None = None,
) -> AsyncIterator[AsyncEngine]:
    """Create the engine, migrate when asked, warn when RLS is bypassed, dispose at exit."""
    engine = create_engine(url, echo=echo, pool_size=pool_size, max_overflow=max_overflow)
    try:
        if run_migrations:
            await migrate(engine, app_role)
        try:
            await warn_if_rls_bypassed(engine)
        except ProviderUnavailable as error:  # without migrations, opening stays lazy
            logger.info("could not check the database role yet: %s", error)
        yield engine
    finally:
        await engine.dispose()
