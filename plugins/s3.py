"""S3 blob store (boto3), with CloudFront signed URLs."""

from ragloom.adapters.s3.settings import S3Settings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.BLOB_STORE,
            "s3",
            lazy("ragloom.adapters.s3.store:open_blob_store"),
            S3Settings,
            "an S3 bucket (or S3-compatible server); CloudFront signed URLs for downloads",
        )
    ]
