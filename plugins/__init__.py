"""Built-in plugins: thin pluggy modules that offer the adapters of one family each."""

from ragloom.contracts.registry import PluginRegistry

BUILTIN_PLUGINS = (
    "ragloom.plugins.memory",
    "ragloom.plugins.local_blob",
    "ragloom.plugins.s3",
    "ragloom.plugins.sqlalchemy",
    "ragloom.plugins.ed25519",
    "ragloom.plugins.qdrant",
    "ragloom.plugins.sentence_transformers",
    "ragloom.plugins.text_extract",
    "ragloom.plugins.extractive",
    "ragloom.plugins.bm25",
    "ragloom.plugins.cross_encoder",
    "ragloom.plugins.redis_streams",
    "ragloom.plugins.redis_cache",
    "ragloom.plugins.local_queue",
    "ragloom.plugins.pii",
    "ragloom.plugins.audio",
    "ragloom.plugins.image",
    "ragloom.plugins.video",
    "ragloom.plugins.clip",
    "ragloom.plugins.query_rewrite",
    "ragloom.plugins.llm",
    "ragloom.plugins.webhooks",
)


def load_registry(*, load_entry_points: bool = True) -> PluginRegistry:
    """The built-in plugins, then (unless `load_entry_points` is off) those installed as entry points."""
    return PluginRegistry(BUILTIN_PLUGINS, load_entry_points=load_entry_points)
