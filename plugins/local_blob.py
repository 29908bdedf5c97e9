"""Local-disk blob store."""

from ragloom.adapters.local_blob import LocalBlobSettings, open_blob_store
from ragloom.contracts import AdapterSpec, Port, hookimpl


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.BLOB_STORE, "local", open_blob_store, LocalBlobSettings, "files under a local folder"
        )
    ]
