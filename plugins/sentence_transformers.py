"""Dense text embeddings with sentence-transformers."""

from ragloom.adapters.sentence_transformers import SentenceTransformerSettings, open_text_embedder
from ragloom.contracts import AdapterSpec, Port, hookimpl


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.TEXT_EMBEDDER,
            "sentence_transformers",
            open_text_embedder,
            SentenceTransformerSettings,
            "sentence-transformers model from a local folder (default: packaged all-MiniLM-L6-v2)",
        )
    ]
