"""BlobStore on S3 (or any S3-compatible server): objects `<prefix><tenant>/<key>` in one bucket.

boto3 is synchronous, so every call runs on a worker thread and the event loop never waits on it.
A put of more than one part is a multipart upload: S3 shows the object only once the upload is
completed, so a failed or cancelled put leaves the old object (the upload is aborted). Download links
are CloudFront signed URLs when a distribution and its key are configured, S3 presigned URLs if not.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import boto3
from botocore.client import Config
from botocore.exceptions import BotoCoreError, ClientError

from ragloom.core.blobs import key_parts, safe_part
from ragloom.core.errors import NotFound, ProviderUnavailable
from ragloom.core.models import TenantId

from .cloudfront import CloudFrontLinks
from .settings import S3Settings

_MISSING = {"404", "NoSuchKey", "NotFound"}
_T = TypeVar("_T")


class S3BlobStore:
    """A tenant's blobs under `<prefix><tenant>/`; build it with `open_blob_store`."""

    def __init__(self, client: Any, settings: S3Settings, links: CloudFrontLinks | None) -> None:
        self._client = client
        self._settings = settings
        self._bucket = settings.bucket
        self._links = links

    def _key(self, tenant: TenantId, key: str) -> str:
        parts = key_parts(key)
        return f"{self._tenant_prefix(tenant)}{'/'.join(parts)}"

    def _tenant_prefix(self, tenant: TenantId) -> str:
        return f"{self._settings.prefix}{safe_part(tenant, 'tenant id')}/"

    def _encryption(self) -> dict[str, str]:
        settings = self._settings
        if settings.server_side_encryption is None:
            return {}
        arguments: dict[str, str] = {"ServerSideEncryption": settings.server_side_encryption}
        if settings.kms_key_id:
            arguments["SSEKMSKeyId"] = settings.kms_key_id
        return arguments

    async def put(self, tenant: TenantId, key: str, chunks: AsyncIterable[bytes], media_type: str) -> int:
        """One PUT for a blob under `part_bytes`, a multipart upload otherwise."""
        name = self._key(tenant, key)
        part_size = self._settings.part_bytes
        pending = bytearray()
        size = 0
        upload: _Multipart | None = None
        try:
            async for chunk in chunks:  # the source's own errors pass through untranslated
                pending += chunk
                size += len(chunk)
                while len(pending) >= part_size:
                    if upload is None:
                        upload = await _Multipart.begin(self, name, media_type)
                    await upload.add(bytes(pending[:part_size]))
                    del pending[:part_size]
            if upload is None:
                await self._call(
                    self._client.put_object,
                    Bucket=self._bucket,
                    Key=name,
                    Body=bytes(pending),
                    ContentType=media_type,
                    **self._encryption(),
                )
            else:
                if pending:
                    await upload.add(bytes(pending))
                await upload.complete()
        except BaseException:
            if upload is not None:
                await asyncio.shield(upload.abort())
            raise
        return size

    async def read(self, tenant: TenantId, key: str) -> AsyncIterator[bytes]:
        name = self._key(tenant, key)
        response = await self._call(self._client.get_object, Bucket=self._bucket, Key=name, missing=key)
        body = response["Body"]
        try:
            while chunk := await self._call(body.read, self._settings.read_chunk_bytes):
                yield chunk
        finally:
            body.close()

    @asynccontextmanager
    async def local_file(self, tenant: TenantId, key: str) -> AsyncIterator[Path]:
        """A temporary copy, downloaded (in parts, on a thread) and removed on exit."""
        name = self._key(tenant, key)
        descriptor, temporary = tempfile.mkstemp(prefix="ragloom-s3-")
        os.close(descriptor)
        path = Path(temporary)
        try:
            await self._call(self._client.download_file, self._bucket, name, temporary, missing=key)
            yield path
        finally:
            path.unlink(missing_ok=True)

    async def presigned_url(self, tenant: TenantId, key: str, expires_in: int) -> str | None:
        """A CloudFront signed URL when configured, else an S3 presigned GET."""
        name = self._key(tenant, key)
        if self._links is not None:
            return self._links.signed_url(name, datetime.now(UTC) + timedelta(seconds=expires_in))
        return await self._call(
            self._client.generate_presigned_url,
            "get_object",
            Params={"Bucket": self._bucket, "Key": name},
            ExpiresIn=expires_in,
        )

    async def delete(self, tenant: TenantId, key: str) -> None:
        await self._call(self._client.delete_object, Bucket=self._bucket, Key=self._key(tenant, key))

    async def delete_tenant(self, tenant: TenantId) -> int:
        """Every object under the tenant's prefix, a thousand per request."""
        removed = 0
        names = [name async for name, _ in self._listed(self._tenant_prefix(tenant))]
        for start in range(0, len(names), 1000):
            batch = [{"Key": name} for name in names[start : start + 1000]]
            response = await self._call(
                self._client.delete_objects, Bucket=self._bucket, Delete={"Objects": batch, "Quiet": True}
            )
            if response.get("Errors"):
                first = response["Errors"][0]
                raise ProviderUnavailable(f"S3 could not delete {first.get('Key')}: {first.get('Message')}")
            removed += len(batch)
        return removed

    async def keys(self, tenant: TenantId, prefix: str = "") -> AsyncIterator[tuple[str, datetime]]:
        root = self._tenant_prefix(tenant)
        async for name, modified in self._listed(root + prefix):
            yield name[len(root) :], modified

    async def health(self) -> None:
        """Return when the bucket answers."""
        await self._call(self._client.head_bucket, Bucket=self._bucket)

    async def _listed(self, prefix: str) -> AsyncIterator[tuple[str, datetime]]:
        token: dict[str, str] = {}
        while True:
            page = await self._call(self._client.list_objects_v2, Bucket=self._bucket, Prefix=prefix, **token)
            for item in page.get("Contents", []):
                yield item["Key"], item["LastModified"].astimezone(UTC)
            if not page.get("IsTruncated"):
                return
            token = {"ContinuationToken": page["NextContinuationToken"]}

    async def _call(
        self, function: Callable[..., _T], *args: Any, missing: str | None = None, **kwargs: Any
    ) -> _T:
        """The boto3 call on a thread; errors become NotFound (with `missing`) or ProviderUnavailable."""
        try:
            return await asyncio.to_thread(function, *args, **kwargs)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if missing is not None and code in _MISSING:
                raise NotFound(f"blob {missing!r} not found") from None
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
            retryable = status >= 500 or status in (408, 429) or code in {"SlowDown", "RequestTimeout"}
            raise ProviderUnavailable(
                f"S3 answered {code or status}: {error}", retryable=retryable
            ) from error
        except BotoCoreError as error:
            raise ProviderUnavailable(f"S3 is unavailable: {error}") from error


class _Multipart:
    """One multipart upload: parts in order, then complete (or abort)."""

    def __init__(self, store: S3BlobStore, name: str, upload_id: str) -> None:
        self._store = store
        self._name = name
        self._id = upload_id
        self._parts: list[dict[str, Any]] = []

    @classmethod
    async def begin(cls, store: S3BlobStore, name: str, media_type: str) -> _Multipart:
        created = await store._call(
            store._client.create_multipart_upload,
            Bucket=store._bucket,
            Key=name,
            ContentType=media_type,
            **store._encryption(),
        )
        return cls(store, name, created["UploadId"])

    async def add(self, data: bytes) -> None:
        number = len(self._parts) + 1
        sent = await self._store._call(
            self._store._client.upload_part,
            Bucket=self._store._bucket,
            Key=self._name,
            UploadId=self._id,
            PartNumber=number,
            Body=data,
        )
        self._parts.append({"PartNumber": number, "ETag": sent["ETag"]})

    async def complete(self) -> None:
        await self._store._call(
            self._store._client.complete_multipart_upload,
            Bucket=self._store._bucket,
            Key=self._name,
            UploadId=self._id,
            MultipartUpload={"Parts": self._parts},
        )

    async def abort(self) -> None:
        # If S3 cannot be reached now, its lifecycle rule for incomplete uploads removes the parts.
        with contextlib.suppress(ProviderUnavailable):
            await self._store._call(
                self._store._client.abort_multipart_upload,
                Bucket=self._store._bucket,
                Key=self._name,
                UploadId=self._id,
            )


@asynccontextmanager
async def open_blob_store(settings: S3Settings) -> AsyncIterator[S3BlobStore]:
    """A client for the bucket (created when `create_bucket` is set and it is missing)."""
    client = boto3.client(
        "s3",
        endpoint_url=settings.endpoint_url,
        region_name=settings.region,
        aws_access_key_id=settings.access_key_id,
        aws_secret_access_key=settings.secret_access_key.get_secret_value()
        if settings.secret_access_key
        else None,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": settings.addressing_style},
            retries={"max_attempts": settings.max_attempts, "mode": "standard"},
            connect_timeout=settings.timeout_seconds,
            read_timeout=settings.timeout_seconds,
            max_pool_connections=settings.max_connections,
        ),
    )
    links = CloudFrontLinks.from_settings(settings.cloudfront) if settings.cloudfront else None
    store = S3BlobStore(client, settings, links)
    try:
        if settings.create_bucket:
            await _ensure_bucket(store, client, settings)
        yield store
    finally:
        client.close()


async def _ensure_bucket(store: S3BlobStore, client: Any, settings: S3Settings) -> None:
    try:
        await store.health()
    except ProviderUnavailable:
        if settings.region in (None, "us-east-1"):  # S3 takes no LocationConstraint for us-east-1
            await store._call(client.create_bucket, Bucket=settings.bucket)
        else:
            location = {"LocationConstraint": settings.region}
            await store._call(
                client.create_bucket, Bucket=settings.bucket, CreateBucketConfiguration=location
            )
