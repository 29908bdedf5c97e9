"""VectorIndex on Qdrant: its engine in-process (`edge.py`, qdrant-edge) or a server or cluster
(`server.py`, qdrant-client). Both share the point-id scheme, the tenant stamp and filter, and the
query plan (`common.py`), so they behave alike and pass one contract suite."""
