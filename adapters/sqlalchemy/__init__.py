"""SQLAlchemy adapters on SQLite (embedded) or PostgreSQL (production): the metadata store and the
signed, hash-chained audit log."""

from .audit import SqlAuditLog, open_audit_log
from .settings import SqlAlchemySettings, SqlAuditSettings
from .store import SqlAlchemyMetadataStore, open_metadata_store

__all__ = [
    "SqlAlchemyMetadataStore",
    "SqlAlchemySettings",
    "SqlAuditLog",
    "SqlAuditSettings",
    "open_audit_log",
    "open_metadata_store",
]
