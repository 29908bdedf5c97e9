"""The terminal: one console for results (stdout) and one for progress and errors (stderr)."""

from rich.console import Console

out = Console()
err = Console(stderr=True, soft_wrap=True)


def _clock(seconds: float) -> str:
    whole = int(seconds)
    hours, minutes = divmod(whole // 60, 60)
    return f"{hours}:{minutes:02d}:{whole % 60:02d}" if hours else f"{minutes}:{whole % 60:02d}"


def citation_place(citation: dict) -> str:
    """Where a cited passage sits, as a person looks it up: `report.pdf p.2`, `call.mp3 0:13-0:18`,
    `talk.mp4 frame 6 at 1:05`."""
    source = citation["source"]
    if citation.get("page") is not None:
        return f"{source} p.{citation['page']}"
    start, end = citation.get("start_seconds"), citation.get("end_seconds")
    if citation.get("frame") is not None:
        shown = f" at {_clock(start)}" if start is not None else ""
        return f"{source} frame {citation['frame']}{shown}"
    if start is not None:
        return f"{source} {_clock(start)}-{_clock(end if end is not None else start)}"
    return source
