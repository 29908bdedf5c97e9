"""Reranker on a sentence-transformers CrossEncoder loaded from a local folder (nothing is downloaded)."""

from .reranker import CrossEncoderReranker, CrossEncoderSettings, open_reranker

__all__ = ["CrossEncoderReranker", "CrossEncoderSettings", "open_reranker"]
