"""Local-disk blob store."""

from ragloom.adapters.local_blob.store import LocalBlobSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.BLOB_STORE,
            "local",
            lazy("ragloom.adapters.local_blob.store:open_blob_store"),
            LocalBlobSettings,
            "files under a local folder",
        )
    ]
