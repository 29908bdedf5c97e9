"""Cross-encoder reranking."""

from ragloom.adapters.cross_encoder.reranker import CrossEncoderSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.RERANKER,
            "cross_encoder",
            lazy("ragloom.adapters.cross_encoder.reranker:open_reranker"),
            CrossEncoderSettings,
            "sentence-transformers CrossEncoder from a local folder",
        )
    ]
