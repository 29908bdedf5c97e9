"""Write the answer suite (content.py) and the labelled personal data (pii_set.py) to a folder, the
same on every run: documents in every supported format, made here with espeak-ng, PyAV, Pillow,
python-docx and a small PDF writer; `suite.yaml` for `ragloom eval answers`; `pii.jsonl` for
`ragloom eval pii`.

    .venv/bin/python bench/answer_suite/generate.py .bench/answer-suite
    .venv/bin/ragloom eval answers .bench/answer-suite --split dev
    .venv/bin/ragloom eval pii .bench/answer-suite/pii.jsonl --split dev
"""

from __future__ import annotations

import argparse
import html
import io
import json
import sys
from pathlib import Path
from typing import Any

import docx
import numpy as np
import yaml
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.answer_suite.content import DOCUMENTS, QUESTIONS
from bench.answer_suite.pii_set import SENTENCES
from bench.answer_suite.schema import Document, Question, Slide, Table
from tests.helpers.images import _font, encoded, sign
from tests.helpers.media import RATE, Spoken, encode, make_video, recording, write_wav
from tests.helpers.pdf import make_pdf

SLIDE_SIZE = (1280, 720)


def _markdown_table(table: Table) -> str:
    rows = [table.header, ["---"] * len(table.header), *table.rows]
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def _html_table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in table.header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in table.rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _text_file(document: Document) -> bytes:
    kind = document.format
    if kind == "txt":
        parts = ([document.title] if document.title else []) + document.paragraphs
        return "\n\n".join(parts).encode()
    if kind == "md":
        parts = ([f"# {document.title}"] if document.title else []) + document.paragraphs
        parts += [_markdown_table(table) for table in document.tables]
        return "\n\n".join(parts).encode()
    title = html.escape(document.title or "")
    body = "".join(f"<p>{html.escape(p)}</p>" for p in document.paragraphs)
    body += "".join(_html_table(table) for table in document.tables)
    page = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><nav>Home | Services | Contact</nav><h1>{title}</h1>{body}"
        "<footer>Copyright notice</footer></body></html>"
    )
    return page.encode()


def _pdf(document: Document) -> bytes:
    tables = {0: [document.tables[0].header, *document.tables[0].rows]} if document.tables else {}
    for text in [*document.pages, document.title or ""]:
        text.encode("latin-1")  # the writer's Helvetica: Latin-1 only (UnicodeEncodeError otherwise)
    return make_pdf(document.pages, title=document.title, tables=tables)


def _docx(document: Document) -> bytes:
    word = docx.Document()
    if document.title:
        word.add_heading(document.title, level=1)
    for paragraph in document.paragraphs:
        word.add_paragraph(paragraph)
    for table in document.tables:
        grid = word.add_table(rows=1 + len(table.rows), cols=len(table.header))
        for i, row in enumerate([table.header, *table.rows]):
            for j, cell in enumerate(row):
                grid.cell(i, j).text = cell
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _slide_image(slide: Slide) -> Image.Image:
    image = Image.new("RGB", SLIDE_SIZE, "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(slide.lines):
        size = 54 if i == 0 else 40
        draw.text((80, 70 + 110 * i), line, fill="black", font=_font(size))
    return image


def _windows_of_slides(slides: list[Slide]) -> list[tuple[float, float]]:
    windows, at = [], 0.0
    for slide in slides:
        windows.append((at, at + slide.seconds))
        at += slide.seconds
    return windows


def render(document: Document, folder: Path) -> dict[str, Any]:
    """Write the document; what the questions need of it: its sentences' and slides' windows."""
    path = folder / document.tenant / document.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    spoken: list[Spoken] = []
    kind = document.format
    if kind in ("txt", "md", "html"):
        path.write_bytes(_text_file(document))
    elif kind == "pdf":
        path.write_bytes(_pdf(document))
    elif kind == "docx":
        path.write_bytes(_docx(document))
    elif kind in ("wav", "mp3"):
        samples, spoken = recording(document.sentences)
        (write_wav if kind == "wav" else encode)(samples, path)
    elif kind in ("png", "jpg", "webp"):
        image_format = {"png": "PNG", "jpg": "JPEG", "webp": "WEBP"}[kind]
        path.write_bytes(encoded(sign(document.lines), image_format))
    elif kind == "mp4_slides":
        make_video(path, [(_slide_image(s), s.seconds) for s in document.slides], size=SLIDE_SIZE)
    elif kind == "mp4_speech":
        samples, spoken = recording(document.sentences)
        length = len(samples) / RATE + 0.5
        slides = document.slides or [Slide([document.title or ""], length)]
        shown = sum(s.seconds for s in slides)
        if shown < length:  # the last slide stays until the speech ends
            slides = [*slides[:-1], Slide(slides[-1].lines, slides[-1].seconds + length - shown)]
        samples = np.concatenate([samples, np.zeros(int(max(0.0, shown - length) * RATE), np.float32)])
        make_video(path, [(_slide_image(s), s.seconds) for s in slides], speech=samples, size=SLIDE_SIZE)
        document = Document(**{**document.__dict__, "slides": slides})
    else:
        raise ValueError(f"unknown format {kind}")
    return {
        "sentences": [(round(s.start, 2), round(s.end, 2)) for s in spoken],
        "slides": _windows_of_slides(document.slides),
    }


def _expectation(question: Question, timing: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    expected = question.expected
    window = None
    if expected.source is not None:
        windows = timing[(question.tenant, expected.source)]
        if expected.sentence is not None:
            window = list(windows["sentences"][expected.sentence])
        elif expected.slide is not None:
            window = [round(x, 2) for x in windows["slides"][expected.slide]]
    return {"answer": expected.answer, "source": expected.source, "page": expected.page, "window": window}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path, help="where to write the suite (created)")
    args = parser.parse_args()
    folder: Path = args.folder
    documents = folder / "documents"
    timing = {}
    for i, document in enumerate(DOCUMENTS, start=1):
        timing[(document.tenant, document.filename)] = render(document, documents)
        print(f"{i}/{len(DOCUMENTS)} {document.tenant}/{document.filename}", file=sys.stderr)
    suite = {
        "name": "ragloom answer suite",
        "documents": [
            {
                "tenant": d.tenant,
                "path": f"documents/{d.tenant}/{d.filename}",
                "order": d.order,
                "pii": [{"kind": p.kind, "value": p.value} for p in d.pii],
                "keep": d.keep,
                **({"transcript": " ".join(d.sentences)} if d.sentences else {}),
            }
            for d in DOCUMENTS
        ],
        "questions": [
            {
                "id": q.id,
                "tenant": q.tenant,
                "split": q.split,
                "kind": q.kind,
                "turns": q.turns or [q.question],
                "expect": _expectation(q, timing),
                "abstain": q.abstain,
                "must_not": q.must_not,
                "keep": q.keep,
            }
            for q in QUESTIONS
        ],
    }
    (folder / "suite.yaml").write_text(yaml.safe_dump(suite, sort_keys=False, allow_unicode=True, width=110))
    with (folder / "pii.jsonl").open("w") as out:
        for item in SENTENCES:
            mentions = [{"text": m.text, "label": m.label} for m in item.mentions]
            out.write(
                json.dumps({"sentence": item.sentence, "mentions": mentions, "split": item.split}) + "\n"
            )
    print(
        f"{len(DOCUMENTS)} documents, {len(QUESTIONS)} questions, "
        f"{len(SENTENCES)} labelled sentences -> {folder}"
    )


if __name__ == "__main__":
    main()
