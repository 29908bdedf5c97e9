"""Build small real PDFs (one text page each) without any PDF library."""

from __future__ import annotations


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _ruled_table(
    rows: list[list[str]], top: float = 600, width: float = 160, height: float = 20
) -> list[str]:
    """Content-stream operators drawing `rows` as a grid with rules, each cell's text inside it."""
    ops = ["0.5 w"]
    columns = max(len(row) for row in rows)
    bottom = top - height * len(rows)
    for i in range(len(rows) + 1):
        ops.append(f"50 {top - height * i} m {50 + width * columns} {top - height * i} l S")
    for j in range(columns + 1):
        ops.append(f"{50 + width * j} {top} m {50 + width * j} {bottom} l S")
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            y = top - height * (i + 1) + 6
            ops.append(f"BT /F1 10 Tf {55 + width * j} {y} Td ({_escape(cell)}) Tj ET")
    return ops


def make_pdf(
    pages: list[str], title: str | None = None, tables: dict[int, list[list[str]]] | None = None
) -> bytes:
    """A valid PDF whose page i shows pages[i] in Helvetica, one line per sentence, and below it
    the ruled table `tables[i]` if there is one."""
    objects: list[bytes] = []
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages
    info_id = font_id + 1
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, text in enumerate(pages):
        lines = [line for line in text.replace(". ", ".\n").splitlines() if line.strip()]
        ops = ["BT", "/F1 11 Tf", "14 TL", "50 780 Td"]
        ops += [f"({_escape(line)}) Tj T*" for line in lines]
        ops.append("ET")
        ops += _ruled_table(tables[i]) if tables and i in tables else []
        stream = "\n".join(ops).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(f"<< /Title ({_escape(title or '')}) >>".encode())
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R"
    trailer += f" /Info {info_id} 0 R >>" if title else " >>"
    out += f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
