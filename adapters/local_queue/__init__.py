"""JobQueue in this process (the embedded profile): fair across tenants, cancellable, bounded."""
