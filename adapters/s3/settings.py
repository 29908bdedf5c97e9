"""Settings of the S3 blob store (`plugins.blob_store.s3`) and its CloudFront links."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator


class CloudFrontSettings(BaseModel):
    """A CloudFront distribution in front of the bucket, with a key group's public key: downloads go
    through signed URLs of the distribution instead of S3 presigned ones."""

    model_config = ConfigDict(extra="forbid")

    domain: str = Field(description="The distribution's URL, e.g. https://d111111abcdef8.cloudfront.net")
    key_pair_id: str = Field(description="The id CloudFront shows for the public key (K2JCJMDEHXQW5F...).")
    private_key: SecretStr | None = Field(default=None, description="The RSA private key, PEM.")
    private_key_file: str | None = Field(default=None, description="Or a file holding it.")

    @model_validator(mode="after")
    def _one_key(self) -> CloudFrontSettings:
        if (self.private_key is None) == (self.private_key_file is None):
            raise ValueError("set exactly one of `private_key` or `private_key_file`")
        if not self.domain.startswith(("https://", "http://")):
            raise ValueError("`domain` must be a URL such as https://d111111abcdef8.cloudfront.net")
        return self


class S3Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bucket: str = Field(max_length=63, description="The bucket (the production profile: RAGLOOM_S3_BUCKET).")
    prefix: str = Field(default="", description="Put before every object name, e.g. 'ragloom/'.")
    region: str | None = Field(default=None, description="e.g. eu-west-1; None: boto3's default.")
    endpoint_url: str | None = Field(default=None, description="An S3-compatible server (MinIO, SeaweedFS).")
    access_key_id: str | None = Field(default=None, description="None: boto3's credential chain (IAM role).")
    secret_access_key: SecretStr | None = Field(
        default=None, description="The secret of `access_key_id`; set both or neither."
    )
    addressing_style: Literal["auto", "path", "virtual"] = Field(
        default="auto",
        description="Bucket in the host name (virtual) or URL path (path, e.g. MinIO); auto: boto3 decides.",
    )
    server_side_encryption: Literal["AES256", "aws:kms", "aws:kms:dsse"] | None = Field(
        default=None, description="Encrypt objects at rest with S3-managed or KMS keys."
    )
    kms_key_id: str | None = Field(default=None, description="The KMS key for aws:kms encryption.")
    part_bytes: int = Field(
        default=8 << 20, ge=5 << 20, description="Multipart part size; larger blobs upload in parts."
    )
    read_chunk_bytes: int = Field(
        default=1 << 20, ge=4096, description="Bytes per chunk when an object is streamed back."
    )
    create_bucket: bool = Field(default=False, description="Create the bucket at start if it is missing.")
    cloudfront: CloudFrontSettings | None = Field(
        default=None, description="Sign download links with this distribution; None: S3 presigned URLs."
    )
    timeout_seconds: float = Field(
        default=30, gt=0, description="Connect timeout and socket read timeout of calls to S3, in seconds."
    )
    max_attempts: int = Field(default=4, ge=1, description="boto3's retries of throttled or failed calls.")
    max_connections: int = Field(
        default=32, ge=1, description="Size of boto3's pool of HTTP connections to S3."
    )

    @field_validator(
        "region", "endpoint_url", "kms_key_id", "access_key_id", "secret_access_key", mode="before"
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _consistent(self) -> S3Settings:
        if len(self.bucket) < 3:
            raise ValueError(
                "`bucket` is empty or too short (the production profile reads RAGLOOM_S3_BUCKET)"
            )
        if self.kms_key_id and not (self.server_side_encryption or "").startswith("aws:kms"):
            raise ValueError("`kms_key_id` needs server_side_encryption: aws:kms")
        if (self.access_key_id is None) != (self.secret_access_key is None):
            raise ValueError("set both `access_key_id` and `secret_access_key`, or neither")
        if self.prefix and not self.prefix.endswith("/"):
            raise ValueError("`prefix` must end with '/'")
        return self
