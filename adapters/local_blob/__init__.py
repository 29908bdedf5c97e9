"""BlobStore on the local file system: <root>/<tenant>/<key>."""

from .store import LocalBlobSettings, LocalBlobStore, open_blob_store

__all__ = ["LocalBlobSettings", "LocalBlobStore", "open_blob_store"]
