"""Cross-encoder reranking."""

from ragloom.adapters.cross_encoder import CrossEncoderSettings, open_reranker
from ragloom.contracts import AdapterSpec, Port, hookimpl


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.RERANKER,
            "cross_encoder",
            open_reranker,
            CrossEncoderSettings,
            "sentence-transformers CrossEncoder from a local folder",
        )
    ]
