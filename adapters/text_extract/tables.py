"""Tables as text a reader (and a retriever) can use: one line per row, each value beside its header.

A two-column table is read as names and values ("Primary mirror diameter: 2.71 m."); a wider one
with a header row gives every cell its column's name ("Instrument: WFC3; Band: 200-1700 nm.").
"""

from __future__ import annotations

from collections.abc import Sequence


def _cells(row: Sequence[str | None]) -> list[str]:
    return [" ".join((cell or "").split()) for cell in row]


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def table_lines(rows: Sequence[Sequence[str | None]]) -> list[str]:
    """One line per row that holds anything; the first row is taken as the header of a wider table."""
    table = [cells for cells in map(_cells, rows) if any(cells)]
    if not table:
        return []
    width = max(len(cells) for cells in table)
    if width == 1:
        return [_sentence(cells[0]) for cells in table]
    if width == 2:
        return [_sentence(": ".join(c for c in cells if c)) for cells in table]
    header, body = table[0], table[1:]
    if not body:
        return [_sentence(" | ".join(c for c in header if c))]
    lines = []
    for cells in body:
        named = [
            f"{name}: {value}" if name else value for name, value in zip(header, cells, strict=False) if value
        ]
        named += [value for value in cells[len(header) :] if value]
        lines.append(_sentence("; ".join(named)))
    return lines
