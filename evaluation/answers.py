"""`ragloom eval answers SUITE`: an end-to-end answer benchmark.

The suite's documents go through the pipeline a server runs (sandboxed extraction, scrubbing,
chunking, embedding, indexing) into a fresh home, one tenant per suite tenant; every question is
then asked in a chat of its own (a follow-up after its earlier turns), and the answers are scored:
right answers and citations, abstentions, raw personal data anywhere outside the originals, named
things shown masked, and latency.
"""

from __future__ import annotations

import asyncio
import logging
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ragloom.core.models import AnswerDone, Citation, DocumentStatus, TenantId
from ragloom.core.services.disagreement import NOTE_START
from ragloom.core.streams import IncomingFile

from .runtime import Runtime
from .suite import Suite, SuiteQuestion

Progress = Callable[[str, int, int], None]
_SPACE = re.compile(r"\s+")
_MASK = re.compile(r"<[a-z_]+(?:_[0-9a-f]{8})?>")  # a mask tag, as normalized() leaves it
_TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}


def normalized(text: str) -> str:
    """Lowercase with single spaces, as answers and keywords are compared."""
    return _SPACE.sub(" ", text).strip().casefold()


@dataclass
class Outcome:
    """One question's answer and what was judged of it."""

    question: SuiteQuestion
    answer: str
    citations: Sequence[Citation]
    no_answer: bool
    seconds: float
    stored_question: str = ""

    @property
    def answered_right(self) -> bool:
        """Every expected group in the answer, and no forbidden word in what it asserts: a note that
        an older document says otherwise may quote the older value."""
        text = normalized(self.answer)
        asserted = normalized(self.answer.split(NOTE_START)[0])
        if self.no_answer or any(normalized(word) in asserted for word in self.question.must_not):
            return False
        return all(
            any(normalized(option) in text for option in group) for group in self.question.expect.answer
        )

    @property
    def cited_right(self) -> bool:
        expect = self.question.expect
        if self.no_answer or expect.source is None:
            return False
        return any(_cites(citation, expect.source, expect.page, expect.window) for citation in self.citations)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.question.id,
            "tenant": self.question.tenant,
            "kind": self.question.kind,
            "split": self.question.split,
            "question": self.question.turns[-1],
            "abstain_expected": self.question.abstain,
            "no_answer": self.no_answer,
            "answered_right": self.answered_right,
            "cited_right": self.cited_right,
            "answer": self.answer,
            "citations": [
                {
                    "source": c.source,
                    "page": c.location.page,
                    "start": c.location.start_seconds,
                    "end": c.location.end_seconds,
                }
                for c in self.citations
            ],
            "seconds": round(self.seconds, 3),
        }


def _cites(citation: Citation, source: str, page: int | None, window: tuple[float, float] | None) -> bool:
    if citation.source != source:
        return False
    if page is not None and citation.location.page != page:
        return False
    return window is None or citation.location.overlaps(*window)


@dataclass
class Leak:
    value: str
    where: str


@dataclass
class AnswerReport:
    outcomes: list[Outcome]
    failed_documents: dict[str, str]
    leaks: list[Leak]
    masked_entities: list[tuple[str, str]]  # (where, entity) shown masked
    listed_entities: int
    phases: dict[str, float] = field(default_factory=dict)

    def figures(self, outcomes: Sequence[Outcome] | None = None) -> dict[str, Any]:
        """The suite's figures over `outcomes` (default: all)."""
        chosen = self.outcomes if outcomes is None else outcomes
        answerable = [o for o in chosen if not o.question.abstain]
        unanswerable = [o for o in chosen if o.question.abstain]

        def share(part: int, whole: int) -> float | None:
            return round(part / whole, 4) if whole else None

        def recall(kind: str | None) -> float | None:
            group = [o for o in unanswerable if kind is None or o.question.kind == kind]
            return share(sum(o.no_answer for o in group), len(group))

        seconds = sorted(o.seconds for o in chosen)
        return {
            "questions": len(chosen),
            "answerable": len(answerable),
            "unanswerable": len(unanswerable),
            "answer_accuracy": share(sum(o.answered_right for o in answerable), len(answerable)),
            "citation_accuracy": share(sum(o.cited_right for o in answerable), len(answerable)),
            "false_abstentions": share(sum(o.no_answer for o in answerable), len(answerable)),
            "abstention_recall": recall(None),
            "abstention_recall_off_corpus": recall("off_corpus"),
            "abstention_recall_near_topic": recall("near_topic"),
            "latency_ms": {
                "p50": round(1000 * statistics.median(seconds), 1) if seconds else None,
                "p95": round(1000 * seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))], 1)
                if seconds
                else None,
            },
        }

    def by_kind(self, outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
        kinds = sorted({o.question.kind for o in outcomes})
        return {kind: self.figures([o for o in outcomes if o.question.kind == kind]) for kind in kinds}

    def to_json(self, splits: Sequence[str]) -> dict[str, Any]:
        per_split = {
            split: {
                **self.figures([o for o in self.outcomes if o.question.split == split]),
                "by_kind": self.by_kind([o for o in self.outcomes if o.question.split == split]),
            }
            for split in splits
        }
        return {
            "splits": per_split,
            "personal_data_found": [
                {"value_sha": _fingerprint(leak.value), "where": leak.where} for leak in self.leaks
            ],
            "over_masking": {
                "listed": self.listed_entities,
                "masked": len(self.masked_entities),
                "share": round(len(self.masked_entities) / self.listed_entities, 4)
                if self.listed_entities
                else None,
                "entities": [{"where": where, "entity": entity} for where, entity in self.masked_entities],
            },
            "failed_documents": self.failed_documents,
            "phases": {phase: round(seconds, 1) for phase, seconds in self.phases.items()},
            "outcomes": [o.to_json() for o in self.outcomes],
        }


def _fingerprint(value: str) -> str:
    """A leaked value is reported by a short hash, so the report itself leaks nothing."""
    import hashlib

    return hashlib.sha256(value.encode()).hexdigest()[:12]


class LogCapture(logging.Handler):
    """Every log record of the run, formatted, to search for personal data."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a record that cannot be formatted is not this handler's to fix
            self.lines.append(str(record.msg))


async def run_suite(
    runtime: Runtime, suite: Suite, folder: Path, splits: Sequence[str], progress: Progress, logs: LogCapture
) -> AnswerReport:
    """Ingest the suite into fresh tenants of `runtime` (an empty home), ask its questions of
    `splits`, and judge the answers."""
    phases: dict[str, float] = {}
    await runtime.lifecycle.start_all()
    tenants = await runtime.tenants()
    ids: dict[str, TenantId] = {}
    for name in suite.tenants:
        ids[name] = (await tenants.create(name)).tenant.id
    started = time.perf_counter()
    failed = await _ingest(runtime, suite, folder, ids, progress)
    phases["ingest"] = time.perf_counter() - started
    questions = [q for q in suite.questions if q.split in splits]
    started = time.perf_counter()
    outcomes = []
    for i, question in enumerate(questions, start=1):
        outcomes.append(await _ask(runtime, ids[question.tenant], question))
        progress("questions", i, len(questions))
    phases["questions"] = time.perf_counter() - started
    chunks = await _chunk_texts(runtime, ids)
    leaks = _leaks(suite, outcomes, chunks, Path(runtime.settings.home), _blob_root(runtime), logs.lines)
    masked, listed = _masked_entities(suite, outcomes, chunks, ids)
    return AnswerReport(outcomes, failed, leaks, masked, listed, phases)


async def _ingest(
    runtime: Runtime, suite: Suite, folder: Path, ids: dict[str, TenantId], progress: Progress
) -> dict[str, str]:
    """Upload every document in order and wait until each is ready or failed; the failures' reasons."""
    documents = await runtime.documents()
    uploaded = {}
    ordered = sorted(enumerate(suite.documents), key=lambda item: (item[1].order, item[0]))
    for i, (_, document) in enumerate(ordered, start=1):
        path = folder / document.path
        result = await documents.upload(
            ids[document.tenant], IncomingFile.from_bytes(path.name, path.read_bytes())
        )
        uploaded[result.document.id] = (ids[document.tenant], document.path)
        progress("upload", i, len(ordered))
    failed: dict[str, str] = {}
    pending = dict(uploaded)
    while pending:
        for document_id, (tenant, name) in list(pending.items()):
            current = await documents.get(tenant, document_id)
            if current.status in (DocumentStatus.READY, DocumentStatus.FAILED):
                del pending[document_id]
                if current.status == DocumentStatus.FAILED:
                    failed[name] = current.error or "failed"
        progress("ingest", len(uploaded) - len(pending), len(uploaded))
        if pending:
            await asyncio.sleep(0.5)
    optimize = getattr(await runtime.get("vector_index"), "optimize", None)
    if optimize is not None:
        await optimize()
    return failed


async def _ask(runtime: Runtime, tenant: TenantId, question: SuiteQuestion) -> Outcome:
    """Ask the turns in a fresh chat; the last turn's answer is the outcome."""
    chats, answers = await runtime.chats(), await runtime.answer()
    chat = await chats.create(tenant)
    done: AnswerDone | None = None
    for turn in question.turns:
        began = time.perf_counter()
        async for event in answers.answer(tenant, turn, chat_id=chat.id):
            if isinstance(event, AnswerDone):
                done = event
    seconds = time.perf_counter() - began
    assert done is not None
    stored = [m.content for m in await chats.messages(tenant, chat.id) if m.role == "user"]
    return Outcome(
        question, done.answer, done.citations, done.no_answer, seconds, stored[-1] if stored else ""
    )


async def _chunk_texts(runtime: Runtime, ids: dict[str, TenantId]) -> dict[str, dict[str, list[str]]]:
    """Every indexed chunk's title and text, by tenant name and source file name."""
    index = await runtime.get("vector_index")
    found: dict[str, dict[str, list[str]]] = {}
    for name, tenant in ids.items():
        cursor = None
        by_source: dict[str, list[str]] = {}
        while True:
            points, cursor = await index.scroll(tenant, after=cursor)
            for point in points:  # what a citation shows: the title and the text
                by_source.setdefault(point.payload.source, []).append(
                    f"{point.payload.title}\n{point.payload.text}"
                )
            if cursor is None:
                break
        found[name] = by_source
    return found


def _blob_root(runtime: Runtime) -> Path | None:
    """Where the local blob store keeps the originals (None for another blob store)."""
    if runtime.settings.adapters.get("blob_store") != "local":
        return None
    root = runtime.settings.plugins.get("blob_store", {}).get("local", {}).get("root")
    return Path(root) if root else None


def _variants(value: str) -> set[str]:
    """A value as written, and without its spaces, dots and dashes (how a card or IBAN may be kept)."""
    compact = re.sub(r"[\s.\-()]", "", value)
    return {value, compact} if len(compact) >= 6 else {value}


def _leaks(
    suite: Suite,
    outcomes: Sequence[Outcome],
    chunks: dict[str, dict[str, list[str]]],
    home: Path,
    originals: Path | None,
    logs: Sequence[str],
) -> list[Leak]:
    """Every place outside the originals where a seeded personal-data value appears raw: answers,
    citations, stored questions, indexed chunks, logs, and every file under the home."""
    values = {p.value for document in suite.documents for p in document.pii}
    texts: list[tuple[str, str]] = []
    for outcome in outcomes:
        texts.append((f"answer to {outcome.question.id}", outcome.answer))
        texts.append((f"stored question {outcome.question.id}", outcome.stored_question))
        texts += [(f"citation of {outcome.question.id}", c.text) for c in outcome.citations]
    for tenant, by_source in chunks.items():
        texts += [
            (f"chunk of {tenant}/{source}", text) for source, items in by_source.items() for text in items
        ]
    texts += [("log", line) for line in logs]
    found = []
    for value in sorted(values):
        variants = _variants(value)
        for where, text in texts:
            if any(variant in text for variant in variants):
                found.append(Leak(value, where))
                break
    files = [p for p in home.rglob("*") if p.is_file() and not (originals and p.is_relative_to(originals))]
    for path in files:
        data = path.read_bytes()
        for value in sorted(values):
            if any(variant.encode() in data for variant in _variants(value)):
                found.append(Leak(value, f"file {path.relative_to(home)}"))
    return found


def _masked_entities(
    suite: Suite,
    outcomes: Sequence[Outcome],
    chunks: dict[str, dict[str, list[str]]],
    ids: dict[str, TenantId],
) -> tuple[list[tuple[str, str]], int]:
    """The listed named things (not people) shown masked: in their document's indexed chunks, and in
    the questions as stored. Returns those and how many were listed. A recording's or a picture's
    entity that is missing counts only when its document's text holds a mask (speech and OCR may
    also miss a name, which is not masking)."""
    masked, listed = [], 0
    for document in suite.documents:
        source = Path(document.path).name
        text = normalized(" ".join(chunks.get(document.tenant, {}).get(source, [])))
        exact = Path(source).suffix.lower() in _TEXT_SUFFIXES
        for entity in document.keep:
            listed += 1
            if normalized(entity) not in text and (exact or _MASK.search(text)):
                masked.append((f"{document.tenant}/{source}", entity))
    for outcome in outcomes:
        for entity in outcome.question.keep:
            if normalized(entity) in normalized(outcome.question.turns[-1]):
                listed += 1
                if normalized(entity) not in normalized(outcome.stored_question):
                    masked.append((f"question {outcome.question.id}", entity))
    return masked, listed
