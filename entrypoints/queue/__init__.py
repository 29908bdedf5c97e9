"""The JobQueue on Taskiq: an in-process broker (embedded) or Redis streams, one queue per modality.

It lives under entrypoints because Taskiq is the worker's framework (adapters may not import it);
HTTP reaches it only through the container, so entrypoints.http and entrypoints.worker stay apart.
"""
