"""JobQueue on Taskiq: an in-process broker (embedded) or Redis streams, one stream per modality.

The only adapter package that may import Taskiq (import-linter allows it here and nowhere else).
"""
