"""Built-in plugins: thin pluggy modules that offer the adapters of one family each."""

BUILTIN_PLUGINS = (
    "ragloom.plugins.memory",
    "ragloom.plugins.local_blob",
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
)
