"""The job queue of the production profile: Redis streams, one per modality and tenant."""

from ragloom.adapters.redis_streams.settings import RedisQueueSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.JOB_QUEUE,
            "redis",
            lazy("ragloom.adapters.redis_streams.queue:open_redis_queue"),
            RedisQueueSettings,
            "Redis streams per modality and tenant; workers serve tenants in turn, acknowledge when done",
        ),
    ]
