"""The semantic cache of the production profile: answers in Redis, per tenant, pipeline and corpus."""

from ragloom.adapters.redis_cache.settings import RedisCacheSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.SEMANTIC_CACHE,
            "redis",
            lazy("ragloom.adapters.redis_cache.cache:open_redis_cache"),
            RedisCacheSettings,
            "answers in Redis per tenant, pipeline and corpus version, with a time to live; "
            "bypassed while Redis is down",
        ),
    ]
