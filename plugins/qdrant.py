"""Qdrant: its engine in-process (qdrant_edge, embedded) or a server by URL (qdrant)."""

from ragloom.adapters.qdrant import index as server
from ragloom.adapters.qdrant.settings import QdrantSettings
from ragloom.adapters.qdrant_edge import index as edge
from ragloom.adapters.qdrant_edge.settings import QdrantEdgeSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.VECTOR_INDEX,
            "qdrant_edge",
            edge.open_vector_index,
            QdrantEdgeSettings,
            "Qdrant's engine in-process (qdrant-edge), persisted to a folder; one process at a time",
        ),
        AdapterSpec(
            Port.VECTOR_INDEX,
            "qdrant",
            server.open_vector_index,
            QdrantSettings,
            "a Qdrant server or cluster through qdrant-client",
        ),
    ]
