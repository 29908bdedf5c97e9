"""SQLAlchemy adapters: the metadata store on SQLite (embedded) or PostgreSQL (production)."""

from .settings import SqlAlchemySettings
from .store import SqlAlchemyMetadataStore, open_metadata_store

__all__ = ["SqlAlchemyMetadataStore", "SqlAlchemySettings", "open_metadata_store"]
