"""Dense text embeddings with sentence-transformers."""

from ragloom.adapters.sentence_transformers.settings import SentenceTransformerSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.TEXT_EMBEDDER,
            "sentence_transformers",
            lazy("ragloom.adapters.sentence_transformers.embedder:open_text_embedder"),
            SentenceTransformerSettings,
            "sentence-transformers model from a local folder (default: packaged all-MiniLM-L6-v2)",
        )
    ]
