"""The HTTP entry point: a Starlette app served by Hypercorn."""
