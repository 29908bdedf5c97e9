"""BM25 sparse vectors for hybrid search."""

from ragloom.adapters.bm25 import Bm25Settings, open_sparse_encoder
from ragloom.contracts import AdapterSpec, Port, hookimpl


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.SPARSE_ENCODER,
            "bm25",
            open_sparse_encoder,
            Bm25Settings,
            "BM25 term weights (Snowball stemming, stopwords); the index applies IDF",
        )
    ]
