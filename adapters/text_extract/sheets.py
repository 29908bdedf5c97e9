"""Spreadsheets: .xlsx (openpyxl, read-only, a formula as the value it last computed) and .csv.

Each row is a line with its column headers, named by its sheet and row, so a retrieved row says
where it sits: "Sheet Fees, row 14: Fare: Adult single; Price: 17.85." A sheet is cited as its page
(sheets numbered from 1). Rows and cells are counted as they are read, empty ones included.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

from ragloom.core.errors import ExtractionFailed
from ragloom.core.models import Extraction, Location, Segment

from .formats import Budget, read_office
from .media_types import SHEET

_SNIFF_CHARACTERS = 8192


def _value(cell: object) -> str:
    """A cell as a reader would write it: 17.85, 3, 2026-05-01, TRUE."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime.datetime) and cell.time() == datetime.time():
        return cell.date().isoformat()
    if isinstance(cell, datetime.date | datetime.time):
        return cell.isoformat()
    return " ".join(str(cell).split())


_CURRENCIES = ("£", "$", "€", "¥")


def _formatted(cell: Any) -> str:
    """A spreadsheet cell as its number format shows it, where the format says what the number is:
    a price (£17.85) or a share (5%)."""
    value, shown = cell.value, getattr(cell, "number_format", "General") or "General"
    if isinstance(value, int | float) and not isinstance(value, bool):
        symbol = next((c for c in _CURRENCIES if c in shown), None)
        if symbol is not None:
            return f"{symbol}{value:,.2f}"
        if shown.endswith("%"):
            return f"{value * 100:g}%"
    return _value(value)


def _header(cells: Sequence[str]) -> bool:
    """A first row of at least two labels and no numbers reads as the columns' names."""
    filled = [cell for cell in cells if cell]
    return len(filled) >= 2 and not any(
        cell.replace(".", "", 1).replace(",", "").isdigit() for cell in filled
    )


def _line(where: str, header: Sequence[str], cells: Sequence[str]) -> str:
    named = [
        f"{header[i]}: {value}" if i < len(header) and header[i] else value
        for i, value in enumerate(cells)
        if value
    ]
    text = "; ".join(named)
    return f"{where}: {text}" + ("" if text.endswith((".", "!", "?")) else ".")


class _Counter:
    """Rows and cells read from one document, against the configured limits."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.rows = 0
        self.cells = 0

    def row(self, width: int) -> None:
        limits = self.budget.settings
        self.rows += 1
        self.cells += width
        if self.rows > limits.max_rows:
            raise ExtractionFailed(
                f"the spreadsheet has over {limits.max_rows} rows, empty ones included "
                "(plugins.media_extractor.text.max_rows)"
            )
        if self.cells > limits.max_cells:
            raise ExtractionFailed(
                f"the spreadsheet has over {limits.max_cells} cells, empty ones included "
                "(plugins.media_extractor.text.max_cells)"
            )


def _rows_as_lines(
    rows: Iterable[Sequence[Any]], counter: _Counter, name: str | None, text_of: Callable[[Any], str]
) -> Iterator[str]:
    """The lines of one table, each cell written by `text_of`: the first filled row is the header
    when it reads as one."""
    header: list[str] | None = None
    for number, row in enumerate(rows, start=1):
        counter.row(len(row))
        cells = [text_of(cell) for cell in row]
        if not any(cells):
            continue
        if header is None:
            header = cells if _header(cells) else []
            if header:
                continue
        where = f"Sheet {name}, row {number}" if name else f"Row {number}"
        line = _line(where, header, cells)
        counter.budget.add_text(line)
        yield line


def xlsx(data: bytes, budget: Budget) -> Extraction:
    """Every sheet's rows, a segment per sheet (its page: the sheet's number)."""
    return read_office(data, budget, SHEET, _xlsx)


def _xlsx(archive: IO[bytes], budget: Budget) -> Extraction:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(archive, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        raise ExtractionFailed(f"the spreadsheet could not be read: {error}") from None
    counter = _Counter(budget)
    try:
        segments = []
        for number, sheet in enumerate(book.worksheets, start=1):
            sheet.reset_dimensions()  # its declared size is not trusted: rows are counted as read
            lines = list(_rows_as_lines(sheet.iter_rows(), counter, sheet.title, _formatted))
            if lines:
                segments.append(Segment("\n\n".join(lines), Location(page=number)))
        title = (book.properties.title or "").strip() or None
    finally:
        book.close()
    return Extraction(segments, title=title)


def csv_text(text: str, budget: Budget) -> Extraction:
    """A CSV file's rows (comma, semicolon, tab or bar separated, as its first lines show)."""
    try:
        dialect: type[csv.Dialect] | str = csv.Sniffer().sniff(text[:_SNIFF_CHARACTERS], ",;\t|")
    except csv.Error:
        dialect = "excel"
    counter = _Counter(budget)
    try:
        lines = list(
            _rows_as_lines(csv.reader(io.StringIO(text, newline=""), dialect), counter, None, _value)
        )
    except csv.Error as error:
        raise ExtractionFailed(f"the CSV file could not be read: {error}") from None
    return Extraction([Segment("\n\n".join(lines))] if lines else [])
