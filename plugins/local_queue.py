"""The in-process job queue of the embedded profile: fair across tenants, cancellable."""

from ragloom.adapters.local_queue.settings import LocalQueueSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.JOB_QUEUE,
            "inprocess",
            lazy("ragloom.adapters.local_queue.queue:open_local_queue"),
            LocalQueueSettings,
            "asyncio tasks inside `ragloom serve`, tenants served in turn, at most N at once",
        ),
    ]
