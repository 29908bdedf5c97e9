"""Qdrant: its engine in-process (qdrant_edge, embedded) or a server by URL (qdrant)."""

from ragloom.adapters.qdrant.settings import QdrantEdgeSettings, QdrantSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.VECTOR_INDEX,
            "qdrant_edge",
            lazy("ragloom.adapters.qdrant.edge:open_vector_index"),
            QdrantEdgeSettings,
            "Qdrant's engine in-process (qdrant-edge), persisted to a folder; one process at a time",
        ),
        AdapterSpec(
            Port.VECTOR_INDEX,
            "qdrant",
            lazy("ragloom.adapters.qdrant.server:open_vector_index"),
            QdrantSettings,
            "a Qdrant server or cluster through qdrant-client",
        ),
    ]
