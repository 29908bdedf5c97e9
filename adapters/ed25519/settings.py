"""Settings of the Ed25519 audit signer (`plugins.audit_signer.ed25519`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from .keys import decode_key


class Ed25519Settings(BaseModel):
    """The key that signs audit records.

    Exactly one of `signing_key` (base64 of the raw 32-byte private key; pass it as `${VAR}`) or
    `signing_key_file` (a file holding that base64 text) is required. With `create_key_file`, a
    missing file is created with mode 0600 and a new key. `trusted_public_keys` lists base64 raw
    public keys of retired signing keys, whose records still verify after a key rotation.
    """

    model_config = ConfigDict(extra="forbid")

    signing_key: SecretStr | None = Field(
        default=None, description="Base64 of the raw 32-byte Ed25519 private key; or use signing_key_file."
    )
    signing_key_file: str | None = Field(
        default=None, description="A file holding the base64 private key; or use signing_key."
    )
    create_key_file: bool = Field(
        default=False, description="Create signing_key_file (mode 0600, with a new key) when it is missing."
    )
    trusted_public_keys: list[str] = Field(
        default=[], description="Base64 raw public keys of retired signing keys, whose records still verify."
    )

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
    def _one_key(self) -> Ed25519Settings:
        if self.signing_key is None and not self.signing_key_file:
            raise ValueError(
                "the audit signer needs a key: set signing_key (base64 of a raw 32-byte Ed25519 "
                "private key) or signing_key_file (with create_key_file: true to create one)"
            )
        if self.signing_key is not None and self.signing_key_file:
            raise ValueError("set signing_key or signing_key_file, not both")
        if self.create_key_file and not self.signing_key_file:
            raise ValueError("create_key_file needs signing_key_file")
        return self
