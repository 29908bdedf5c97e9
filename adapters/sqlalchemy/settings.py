"""Settings of the SQL adapters: metadata store (`plugins.sqlalchemy`), audit log (`plugins.sql_audit`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from .signing import decode_key


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


class SqlAuditSettings(BaseModel):
    """The SQL audit trail (`plugins.sql_audit` in the config): where, and the Ed25519 signing key.

    Exactly one of `signing_key` (base64 of the raw 32-byte private key; pass it as `${VAR}`) or
    `signing_key_file` (a file holding that base64 text) is required. With `create_key_file`, a
    missing file is created with mode 0600 and a new key. `trusted_public_keys` lists base64 raw
    public keys of retired signing keys, whose records still verify after a key rotation.
    """

    model_config = ConfigDict(extra="forbid")

    url: str
    signing_key: SecretStr | None = None
    signing_key_file: str | None = None
    create_key_file: bool = False
    trusted_public_keys: list[str] = []
    pool_size: int = 5
    max_overflow: int = 5
    migrate: bool = True
    echo: bool = False

    @field_validator("signing_key")
    @classmethod
    def _valid_private_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            decode_key(value.get_secret_value(), "signing_key")
        return value

    @field_validator("trusted_public_keys")
    @classmethod
    def _valid_public_keys(cls, value: list[str]) -> list[str]:
        for index, key in enumerate(value):
            decode_key(key, f"trusted_public_keys[{index}]")
        return value

    @model_validator(mode="after")
    def _one_key(self) -> SqlAuditSettings:
        if self.signing_key is None and not self.signing_key_file:
            raise ValueError(
                "the audit log needs a signing key: set signing_key (base64 of a raw 32-byte Ed25519 "
                "private key) or signing_key_file (with create_key_file: true to create one)"
            )
        if self.signing_key is not None and self.signing_key_file:
            raise ValueError("set signing_key or signing_key_file, not both")
        if self.create_key_file and not self.signing_key_file:
            raise ValueError("create_key_file needs signing_key_file")
        return self
