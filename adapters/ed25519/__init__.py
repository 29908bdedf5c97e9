"""AuditSigner on Ed25519 (the `cryptography` package): signs audit record hashes, verifies them
against the current key and retired ones."""
