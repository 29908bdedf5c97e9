"""The S3 blob store against a real S3-compatible server (moto in server mode, over HTTP on a free
loopback port, started and stopped here): the BlobStore contract, multipart uploads, encryption at
rest, presigned and CloudFront links, and errors."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pydantic import ValidationError

from ragloom.adapters.s3.settings import CloudFrontSettings, S3Settings
from ragloom.adapters.s3.store import open_blob_store
from ragloom.contracts.testing.blob_store import A, B, BlobStoreContract, chunks_of, put_bytes, read_bytes
from ragloom.core.errors import InvalidInput, NotFound, ProviderUnavailable
from tests.helpers.server import free_port

MiB = 1 << 20


@pytest.fixture
def s3_url(s3_endpoint: str) -> str:
    """The session's S3-compatible server (tests/conftest.py); each test makes its own bucket."""
    return s3_endpoint


def settings_for(url: str, **extra: object) -> S3Settings:
    values: dict[str, object] = {
        "bucket": f"ragloom-{uuid.uuid4().hex[:12]}",
        "endpoint_url": url,
        "region": "us-east-1",
        "access_key_id": "test",
        "secret_access_key": "test",
        "addressing_style": "path",
        "create_bucket": True,
        **extra,
    }
    return S3Settings.model_validate(values)


def raw_client(settings: S3Settings):
    return boto3.client(
        "s3",
        endpoint_url=settings.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


class TestS3BlobStore(BlobStoreContract):
    @pytest.fixture
    async def adapter(self, s3_url: str) -> AsyncIterator[object]:
        async with open_blob_store(settings_for(s3_url)) as store:
            yield store


async def test_a_large_blob_goes_up_in_parts_and_a_failed_one_leaves_the_old(s3_url: str) -> None:
    settings = settings_for(s3_url, part_bytes=5 * MiB, server_side_encryption="AES256")
    big = bytes(range(256)) * (12 * MiB // 256 + 7)  # three parts, the last one short
    async with open_blob_store(settings) as store:
        assert await store.put(
            A, "documents/d1/original", chunks_of(big[:3000], big[3000:]), "video/mp4"
        ) == len(big)
        assert await read_bytes(store, A, "documents/d1/original") == big
        head = raw_client(settings).head_object(Bucket=settings.bucket, Key=f"{A}/documents/d1/original")
        assert head["ETag"].strip('"').endswith("-3")  # a multipart object's ETag counts its parts
        assert head["ServerSideEncryption"] == "AES256" and head["ContentType"] == "video/mp4"

        async def broken() -> AsyncIterator[bytes]:
            yield big[: 6 * MiB]  # one part sent, then the client goes away
            raise ConnectionResetError("the client went away")

        with pytest.raises(ConnectionResetError):
            await store.put(A, "documents/d1/original", broken(), "video/mp4")
        assert await read_bytes(store, A, "documents/d1/original") == big
        uploads = raw_client(settings).list_multipart_uploads(Bucket=settings.bucket)
        assert uploads.get("Uploads", []) == []  # the failed upload was aborted


async def test_prefix_keys_and_unsafe_names(s3_url: str) -> None:
    settings = settings_for(s3_url, prefix="ragloom/")
    async with open_blob_store(settings) as store:
        await put_bytes(store, A, "frames/d1/3.jpg", b"jpeg")
        listed = raw_client(settings).list_objects_v2(Bucket=settings.bucket)["Contents"]
        assert [item["Key"] for item in listed] == [f"ragloom/{A}/frames/d1/3.jpg"]
        for bad in ("../escape", "a//b", ".hidden", "/abs"):
            with pytest.raises(InvalidInput):
                await put_bytes(store, A, bad, b"x")
        with pytest.raises(InvalidInput):
            await put_bytes(store, "..", "k", b"x")


async def test_a_presigned_url_gets_the_bytes(s3_url: str) -> None:
    async with open_blob_store(settings_for(s3_url)) as store:
        await put_bytes(store, A, "documents/d1/original", b"the original")
        url = await store.presigned_url(A, "documents/d1/original", 60)
        assert url is not None and f"/{A}/documents/d1/original" in url and "X-Amz-Signature" in url
        async with httpx.AsyncClient() as http:
            assert (await http.get(url)).content == b"the original"


async def test_cloudfront_links_are_signed_with_the_configured_key(s3_url: str, tmp_path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / "cf.pem").write_bytes(pem)
    cloudfront = {
        "domain": "https://d111.cloudfront.net",
        "key_pair_id": "K2TEST",
        "private_key_file": str(tmp_path / "cf.pem"),
    }
    async with open_blob_store(settings_for(s3_url, cloudfront=cloudfront)) as store:
        before = datetime.now(UTC)
        url = await store.presigned_url(A, "frames/d1/3.jpg", 300)
    parts = urlsplit(url or "")
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}" == f"https://d111.cloudfront.net/{A}/frames/d1/3.jpg"
    )
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert query["Key-Pair-Id"] == "K2TEST"
    expires = datetime.fromtimestamp(int(query["Expires"]), UTC)
    assert before + timedelta(seconds=290) <= expires <= before + timedelta(seconds=310)
    # CloudFront checks an RSA-SHA1 signature of its canned policy, in its URL-safe base64.
    resource = f"https://d111.cloudfront.net/{A}/frames/d1/3.jpg"
    condition = {"DateLessThan": {"AWS:EpochTime": int(query["Expires"])}}
    policy = json.dumps(
        {"Statement": [{"Resource": resource, "Condition": condition}]}, separators=(",", ":")
    )
    signature = base64.b64decode(query["Signature"].replace("-", "+").replace("_", "=").replace("~", "/"))
    key.public_key().verify(signature, policy.encode(), padding.PKCS1v15(), hashes.SHA1())


def test_bad_settings_are_refused_with_the_reason() -> None:
    with pytest.raises(ValidationError, match="exactly one of `private_key` or `private_key_file`"):
        CloudFrontSettings(domain="https://d.cloudfront.net", key_pair_id="K")
    with pytest.raises(ValidationError, match="kms_key_id"):
        S3Settings(bucket="bucket", kms_key_id="key")
    with pytest.raises(ValidationError, match="both `access_key_id` and `secret_access_key`"):
        S3Settings(bucket="bucket", access_key_id="id")
    with pytest.raises(ValidationError, match="part_bytes"):
        S3Settings(bucket="bucket", part_bytes=1024)


async def test_a_bad_cloudfront_key_stops_the_start(s3_url: str) -> None:
    cloudfront = {"domain": "https://d.cloudfront.net", "key_pair_id": "K", "private_key": "not a key"}
    with pytest.raises(ProviderUnavailable, match="CloudFront private key"):
        async with open_blob_store(settings_for(s3_url, cloudfront=cloudfront)):
            pass


async def test_an_unreachable_server_or_a_missing_bucket_is_provider_unavailable(s3_url: str) -> None:
    gone = settings_for(
        f"http://127.0.0.1:{free_port()}", create_bucket=False, max_attempts=1, timeout_seconds=2
    )
    async with open_blob_store(gone) as store:
        with pytest.raises(ProviderUnavailable):
            await put_bytes(store, A, "k", b"x")
        with pytest.raises(ProviderUnavailable):
            await store.health()
    missing = settings_for(s3_url, create_bucket=False)
    async with open_blob_store(missing) as store:
        with pytest.raises(ProviderUnavailable):
            await store.health()
        with pytest.raises((ProviderUnavailable, NotFound)):
            await read_bytes(store, B, "k")
