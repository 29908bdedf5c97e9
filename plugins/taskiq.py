"""Built-in plugin offering the Taskiq job queue on Redis streams (production)."""

from ragloom.adapters.taskiq.settings import RedisQueueSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.JOB_QUEUE,
            "redis",
            lazy("ragloom.adapters.taskiq.queue:open_redis_queue"),
            RedisQueueSettings,
            "Taskiq on Redis streams, one stream per modality, acknowledged after processing",
        ),
    ]
