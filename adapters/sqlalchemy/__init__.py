"""The MetadataStore on SQLAlchemy: units of work over tenants, keys, documents and the append-only
audit records, on SQLite (embedded) or PostgreSQL (production, with row-level security)."""
