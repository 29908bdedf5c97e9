"""The terminal: one console for results (stdout) and one for progress and errors (stderr)."""

import re

from rich.console import Console

from ragloom.core.media import XLSX, base_type
from ragloom.core.models import Location

out = Console()
err = Console(stderr=True, soft_wrap=True)

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
    media_type = citation.get("media_type")
    if base_type(media_type or "") == XLSX:
        return source + _rows(citation.get("text") or "")
    place = Location.from_dict(citation).place(media_type)
    return f"{source} {place}" if place else source
