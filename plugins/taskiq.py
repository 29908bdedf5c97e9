"""Built-in plugin offering the Taskiq job queues: `inprocess` (embedded) and `redis` (production)."""

from ragloom.adapters.taskiq.settings import InProcessQueueSettings, RedisQueueSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.JOB_QUEUE,
            "inprocess",
            lazy("ragloom.adapters.taskiq.queue:open_inprocess_queue"),
            InProcessQueueSettings,
            "Taskiq in-process broker: ingestion runs inside `ragloom serve`",
        ),
        AdapterSpec(
            Port.JOB_QUEUE,
            "redis",
            lazy("ragloom.adapters.taskiq.queue:open_redis_queue"),
            RedisQueueSettings,
            "Taskiq on Redis streams, one stream per modality, acknowledged after processing",
        ),
    ]
