"""Checks every vector index applies before storing or searching (InvalidInput on a bad vector)."""

from __future__ import annotations

from .errors import InvalidInput
from .models import SparseVector, Vector


def checked_dense(vector: Vector, dimension: int) -> list[float]:
    """The vector as floats; InvalidInput unless it has `dimension` entries."""
    values = [float(x) for x in vector]
    if len(values) != dimension:
        raise InvalidInput(f"dense vector has {len(values)} dimensions; the index expects {dimension}")
    return values


def checked_sparse(vector: SparseVector) -> tuple[list[int], list[float]]:
    """(indices, values); InvalidInput unless indices are unique, non-negative and matched by values."""
    indices = [int(i) for i in vector.indices]
    if len(indices) != len(vector.values):
        raise InvalidInput("a sparse vector needs as many values as indices")
    if len(set(indices)) != len(indices) or any(i < 0 for i in indices):
        raise InvalidInput("sparse vector indices must be unique and non-negative")
    return indices, [float(v) for v in vector.values]
