"""`ragloom eval beir`: ingest a BEIR corpus through the real pipeline into a fresh tenant, run every query
of a split through the real retrieval path, and score the ranking with pytrec_eval."""

from __future__ import annotations

import asyncio
import csv
import json
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytrec_eval

from ragloom.core.errors import InvalidInput
from ragloom.core.models import DocumentStatus, TenantId
from ragloom.core.streams import IncomingFile

from .runtime import Runtime

RANK_DEPTH = 100  # documents ranked per query (recall@100)
CHUNK_DEPTH = 300  # chunks retrieved to fill them
MEASURES = {"ndcg_cut.10", "recall.100"}


@dataclass
class Split:
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]


@dataclass
class BeirData:
    corpus: list[dict[str, Any]]
    splits: dict[str, Split]


def _percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


@dataclass
class ModeResult:
    metrics: dict[str, float]
    latencies_ms: list[float]

    def as_json(self) -> dict[str, Any]:
        return {
            **{k: round(v, 4) for k, v in self.metrics.items()},
            "latency_ms": {
                "p50": round(statistics.median(self.latencies_ms), 2) if self.latencies_ms else 0.0,
                "p95": round(_percentile(self.latencies_ms, 95), 2),
            },
        }


@dataclass
class EvalReport:
    """Per split: the default retrieval path's figures, and each search mode's."""

    default_mode: str
    results: dict[str, dict[str, ModeResult]]
    documents: int
    phases: dict[str, float] = field(default_factory=dict)
    failed_documents: int = 0

    def split_json(self, split: str, queries: int) -> dict[str, Any]:
        modes = self.results[split]
        return {
            **modes[self.default_mode].as_json(),
            "documents": self.documents,
            "queries": queries,
            "failed_documents": self.failed_documents,
            "default_mode": self.default_mode,
            "modes": {name: result.as_json() for name, result in modes.items()},
            "phases_s": {k: round(v, 1) for k, v in self.phases.items()},
        }


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as error:
                    raise InvalidInput(f"{path}:{number} is not JSON: {error.msg}") from None


def _read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) < 3 or not row[-1].strip().lstrip("-").isdigit():
                continue
            qrels.setdefault(row[0], {})[row[-2]] = int(row[-1])
    return qrels


def load_beir(folder: Path, splits: list[str], limit: int | None = None) -> BeirData:
    """Read corpus.jsonl, queries.jsonl and qrels/<split>.tsv for each split.

    With `limit`, keep each split's first `limit` judged queries, and a corpus of their judged
    documents plus the first 10 x limit other documents, so a small run still has distractors.
    """
    for name in ("corpus.jsonl", "queries.jsonl", *(f"qrels/{split}.tsv" for split in splits)):
        if not (folder / name).is_file():
            raise InvalidInput(f"{folder} is not a BEIR folder: {name} is missing")
    all_queries = {q["_id"]: q["text"] for q in _read_jsonl(folder / "queries.jsonl")}
    chosen: dict[str, Split] = {}
    for split in splits:
        qrels = {
            q: docs for q, docs in _read_qrels(folder / "qrels" / f"{split}.tsv").items() if q in all_queries
        }
        if limit is not None:
            qrels = dict(list(qrels.items())[:limit])
        if not qrels:
            raise InvalidInput(f"no judged queries for split {split!r} in {folder}")
        chosen[split] = Split({q: all_queries[q] for q in qrels}, qrels)
    corpus = list(_read_jsonl(folder / "corpus.jsonl"))
    if limit is not None:
        judged = {d for split in chosen.values() for docs in split.qrels.values() for d in docs}
        others = [d for d in corpus if d["_id"] not in judged][: 10 * limit]
        corpus = [d for d in corpus if d["_id"] in judged] + others
    if not corpus:
        raise InvalidInput(f"{folder}/corpus.jsonl has no documents")
    return BeirData(corpus, chosen)


def as_markdown(doc: dict[str, Any]) -> bytes:
    title = (doc.get("title") or "").strip()
    text = (doc.get("text") or "").strip()
    return (f"# {title}\n\n{text}\n" if title else f"{text}\n").encode()


def score(run: dict[str, dict[str, float]], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    """nDCG@10 and recall@100 over the whole run; MRR@10 over each query's top 10."""
    full = pytrec_eval.RelevanceEvaluator(qrels, MEASURES).evaluate(run)
    top10 = {q: dict(sorted(docs.items(), key=lambda kv: -kv[1])[:10]) for q, docs in run.items()}
    rr = pytrec_eval.RelevanceEvaluator(qrels, {"recip_rank"}).evaluate(top10)
    n = len(qrels)
    return {
        "ndcg@10": sum(r["ndcg_cut_10"] for r in full.values()) / n,
        "recall@100": sum(r["recall_100"] for r in full.values()) / n,
        "mrr@10": sum(r["recip_rank"] for r in rr.values()) / n,
    }


Progress = Callable[[str, int, int], None]


def doc_ranking(hits: Any, beir_id: dict[str, str]) -> dict[str, float]:
    ranking: dict[str, float] = {}
    for rank, hit in enumerate(hits):
        doc_id = beir_id.get(hit.payload.document_id)
        if doc_id is not None and doc_id not in ranking:
            ranking[doc_id] = float(CHUNK_DEPTH - rank)
            if len(ranking) == RANK_DEPTH:
                break
    return ranking


async def evaluate(
    runtime: Runtime, data: BeirData, progress: Progress | None = None, tenant: TenantId | None = None
) -> EvalReport:
    """Ingest into a fresh tenant, run every split's queries in every search mode, score, clean up."""
    tenant = tenant or TenantId(f"eval-{uuid.uuid4().hex[:12]}")
    report = progress or (lambda phase, done, total: None)
    phases: dict[str, float] = {}
    await runtime.lifecycle.start_all()
    tenants = await runtime.tenants()
    await tenants.ensure(tenant, "BEIR evaluation")
    retriever = await runtime.retriever()
    beir_id: dict[str, str] = {}
    modes = [(mode.value, mode, False) for mode in retriever.modes()]
    if retriever.reranks:
        modes = [(f"{mode.value}+rerank", mode, True) for mode in retriever.modes()[-1:]] + modes
    default = modes[0][0] if retriever.reranks else (modes[-1][0])
    results: dict[str, dict[str, ModeResult]] = {}
    try:
        beir_id.update(await ingest_corpus(runtime, tenant, data.corpus, report, phases))
        failed = phases.pop("failed", 0)
        for split_name, split in data.splits.items():
            start = time.perf_counter()
            results[split_name] = {}
            for name, mode, rerank in modes:
                run: dict[str, dict[str, float]] = {}
                latencies = []
                for i, (query_id, text) in enumerate(split.queries.items(), start=1):
                    began = time.perf_counter()
                    hits = await retriever.retrieve(
                        tenant, text, top_n=CHUNK_DEPTH, mode=mode, rerank=rerank, ranking_only=True
                    )
                    latencies.append((time.perf_counter() - began) * 1000)
                    run[query_id] = doc_ranking(hits, beir_id)
                    if i % 25 == 0 or i == len(split.queries):
                        report(f"{split_name} {name}", i, len(split.queries))
                results[split_name][name] = ModeResult(score(run, split.qrels), latencies)
            phases[f"query {split_name}"] = time.perf_counter() - start
    finally:
        start = time.perf_counter()
        await runtime.lifecycle.wait_idle()
        await tenants.delete(tenant)
        phases["cleanup"] = time.perf_counter() - start
    return EvalReport(default, results, len(data.corpus), phases, int(failed))


async def ingest_corpus(
    runtime: Runtime,
    tenant: TenantId,
    corpus: list[dict[str, Any]],
    report: Progress,
    phases: dict[str, float],
) -> dict[str, str]:
    """Upload every document through the real pipeline and wait for all; return {ragloom id:
    BEIR id}. Phase times go into `phases`, the count of failed documents as `phases["failed"]`."""
    documents = await runtime.documents()
    beir_id: dict[str, str] = {}
    start = time.perf_counter()
    for i, doc in enumerate(corpus, start=1):
        result = await documents.upload(tenant, IncomingFile.from_bytes(f"{doc['_id']}.md", as_markdown(doc)))
        beir_id[result.document.id] = doc["_id"]
        if i % 50 == 0 or i == len(corpus):
            report("upload", i, len(corpus))
    phases["upload"] = time.perf_counter() - start
    start = time.perf_counter()
    phases["failed"] = await _wait_ingested(documents, tenant, len(beir_id), report)
    phases["ingest"] = time.perf_counter() - start
    optimize = getattr(await runtime.get("vector_index"), "optimize", None)
    if optimize is not None:  # what an index looks like after its optimizer has run
        start = time.perf_counter()
        await optimize()
        phases["optimize"] = time.perf_counter() - start
    return beir_id


async def _wait_ingested(documents: Any, tenant: TenantId, total: int, report: Progress) -> int:
    """Poll the tenant's document list until every document is ready or failed; return the failures."""
    while True:
        finished = failed = offset = 0
        while True:
            page = await documents.list(tenant, limit=1000, offset=offset)
            finished += sum(d.status in (DocumentStatus.READY, DocumentStatus.FAILED) for d in page)
            failed += sum(d.status == DocumentStatus.FAILED for d in page)
            offset += len(page)
            if len(page) < 1000:
                break
        report("ingest", finished, total)
        if finished >= total:
            return failed
        await asyncio.sleep(1)
