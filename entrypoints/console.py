"""The terminal: one console for results (stdout) and one for progress and errors (stderr)."""

from rich.console import Console

out = Console()
err = Console(stderr=True, soft_wrap=True)
