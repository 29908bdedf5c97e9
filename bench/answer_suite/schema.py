"""The answer suite's content as data: documents (what each file says or shows), questions (what a
right answer holds and cites), and labelled personal-data mentions. `generate.py` renders it into
files; nothing here touches the disk."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Format = Literal[
    "txt", "md", "html", "pdf", "docx", "wav", "mp3", "png", "jpg", "webp", "mp4_speech", "mp4_slides"
]
QuestionKind = Literal[
    "prose",  # a fact stated in running text
    "table",  # a fact in a table row
    "spoken_number",  # a number said as words in a recording
    "speech",  # another fact said in a recording or a video's speech
    "slide",  # text shown on a video's slide
    "image",  # text in a picture
    "chat",  # a follow-up in a chat: `turns`, the last one scored
    "conflict",  # two notices disagree: the newer one is the answer
    "named",  # names a ship, place, product or organisation
    "off_corpus",  # nothing in the tenant's documents is about it: must abstain
    "near_topic",  # a document on the subject exists but never states the asked fact: must abstain
]


@dataclass(frozen=True)
class Table:
    """A table: its header row, then its rows (every row as long as the header)."""

    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Slide:
    """One slide of a video: its lines of text, shown for `seconds`."""

    lines: list[str]
    seconds: float = 6.0


@dataclass(frozen=True)
class Pii:
    """A personal-data value written into a document; it must never appear outside the original."""

    kind: Literal["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE"]
    value: str


@dataclass(frozen=True)
class Document:
    """One file of a tenant. Which fields apply depends on `format`:

    - txt, md, html: `paragraphs` (and `tables` for md and html; `title` as the first heading);
    - pdf: `pages` (one string per page, sentences separated by ". "), `tables` drawn on page 1;
    - docx: `paragraphs` and `tables`;
    - wav, mp3: `sentences`, spoken one after another with a second of silence between them;
    - png, jpg, webp: `lines` of text drawn on the picture;
    - mp4_speech: `sentences` spoken over `slides` (slides may be empty: then a plain background);
    - mp4_slides: `slides` only, no sound.

    `pii` lists every personal-data value the document's text holds (verbatim as written there);
    `keep` lists the named things in it that are not people (ships, places, products,
    organisations, headings) and must never be shown masked. `order` sets upload order: a document
    with a higher order is uploaded later, so it is the newer of two that disagree."""

    tenant: str
    filename: str
    format: Format
    title: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    slides: list[Slide] = field(default_factory=list)
    pii: list[Pii] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)
    order: int = 0


@dataclass(frozen=True)
class Expected:
    """What a right answer holds and cites.

    `answer`: groups of alternatives; every group must appear in the answer (case-insensitive), any
    one alternative of a group will do: [["45", "forty-five"], ["minutes"]].
    `source`: the file name the answer must cite. `page`: the PDF page it must cite (from 1).
    `sentence`: for a recording or a video's speech, the index (from 0) of the sentence that says it;
    `slide`: for a video, the index (from 0) of the slide that shows it. The generator turns these
    into the time window a citation must overlap."""

    answer: list[list[str]] = field(default_factory=list)
    source: str | None = None
    page: int | None = None
    sentence: int | None = None
    slide: int | None = None


@dataclass(frozen=True)
class Question:
    """A question to one tenant. Either `question`, or `turns`: a chat whose earlier turns are
    asked first in the same chat and whose last turn is scored. `abstain`: the documents do not
    hold the answer, so the right reply is no_answer (then `expected` is empty). `must_not`: words
    the answer must not contain (another notice's value, another tenant's fact). `keep`: named
    non-person things the question or its answer names, which must survive masking."""

    id: str
    tenant: str
    split: Literal["dev", "test"]
    kind: QuestionKind
    question: str | None = None
    turns: list[str] = field(default_factory=list)
    expected: Expected = field(default_factory=Expected)
    abstain: bool = False
    must_not: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)


PiiLabel = Literal["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "NOT_PERSON"]


@dataclass(frozen=True)
class Mention:
    """A span of a labelled sentence: `text` occurs in the sentence exactly once. NOT_PERSON marks a
    look-alike that is not personal data (a ship, place, product, heading, gene name) and must not
    be masked."""

    text: str
    label: PiiLabel


@dataclass(frozen=True)
class LabelledSentence:
    sentence: str
    mentions: list[Mention]
    split: Literal["dev", "test"]
