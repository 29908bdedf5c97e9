"""CLIP image and text embeddings with open_clip (pictures searchable by what they show)."""
