"""The terminal: one console for results (stdout) and one for progress and errors (stderr)."""

import re

from rich.console import Console

from ragloom.core.media import PPTX, XLSX

out = Console()
err = Console(stderr=True, soft_wrap=True)


def _clock(seconds: float) -> str:
    whole = int(seconds)
    hours, minutes = divmod(whole // 60, 60)
    return f"{hours}:{minutes:02d}:{whole % 60:02d}" if hours else f"{minutes}:{whole % 60:02d}"


_SHEET_ROW = re.compile(r"Sheet (.+?), row (\d+):")


def _rows(text: str) -> str:
    """`sheet Fees rows 2-14`: the sheet and rows a cited passage of a spreadsheet holds."""
    found = _SHEET_ROW.findall(text or "")
    if not found:
        return ""
    first, last = found[0][1], found[-1][1]
    return f" sheet {found[0][0]} " + (f"row {first}" if first == last else f"rows {first}-{last}")


def citation_place(citation: dict) -> str:
    """Where a cited passage sits, as a person looks it up: `report.pdf p.2`, `deck.pptx slide 3`,
    `fees.xlsx sheet Fees rows 2-14`, `call.mp3 0:13-0:18`, `talk.mp4 frame 6 at 1:05`."""
    source = citation["source"]
    media_type = (citation.get("media_type") or "").split(";")[0]
    if media_type == XLSX:
        return source + _rows(citation.get("text") or "")
    if citation.get("page") is not None:
        return (
            f"{source} slide {citation['page']}" if media_type == PPTX else f"{source} p.{citation['page']}"
        )
    start, end = citation.get("start_seconds"), citation.get("end_seconds")
    if citation.get("frame") is not None:
        shown = f" at {_clock(start)}" if start is not None else ""
        return f"{source} frame {citation['frame']}{shown}"
    if start is not None:
        return f"{source} {_clock(start)}-{_clock(end if end is not None else start)}"
    return source
