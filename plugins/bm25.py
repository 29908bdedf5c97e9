"""BM25 sparse vectors for hybrid search."""

from ragloom.adapters.bm25.settings import Bm25Settings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.SPARSE_ENCODER,
            "bm25",
            lazy("ragloom.adapters.bm25.encoder:open_sparse_encoder"),
            Bm25Settings,
            "BM25 term weights (Snowball stemming, stopwords); the index applies IDF",
        )
    ]
