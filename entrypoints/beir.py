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

from .bootstrap import Runtime

RANK_DEPTH = 100
MEASURES = {"ndcg_cut.10", "recall.100"}


@dataclass
class BeirData:
    corpus: list[dict[str, Any]]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]


@dataclass
class EvalReport:
    metrics: dict[str, float]
    latencies_ms: list[float]
    documents: int
    queries: int
    phases: dict[str, float] = field(default_factory=dict)
    failed_documents: int = 0

    def as_json(self) -> dict[str, Any]:
        cuts = (
            statistics.quantiles(self.latencies_ms, n=100, method="inclusive")
            if len(self.latencies_ms) > 1
            else []
        )
        p50 = statistics.median(self.latencies_ms) if self.latencies_ms else 0.0
        p95 = cuts[94] if cuts else p50
        return {
            **{k: round(v, 4) for k, v in self.metrics.items()},
            "latency_ms": {"p50": round(p50, 2), "p95": round(p95, 2)},
            "documents": self.documents,
            "queries": self.queries,
            "failed_documents": self.failed_documents,
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


def load_beir(folder: Path, split: str, limit: int | None = None) -> BeirData:
    """Read corpus.jsonl, queries.jsonl and qrels/<split>.tsv.

    With `limit`, keep the first `limit` judged queries and a corpus of their judged documents plus
    the first 10 x limit other documents, so a small run still has distractors.
    """
    for name in ("corpus.jsonl", "queries.jsonl", f"qrels/{split}.tsv"):
        if not (folder / name).is_file():
            raise InvalidInput(f"{folder} is not a BEIR folder: {name} is missing")
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels" / f"{split}.tsv").open(encoding="utf-8") as handle:
        rows = csv.reader(handle, delimiter="\t")
        for row in rows:
            if len(row) < 3 or not row[-1].strip().lstrip("-").isdigit():
                continue
            query_id, doc_id, score = row[0], row[-2], int(row[-1])
            qrels.setdefault(query_id, {})[doc_id] = score
    queries = {q["_id"]: q["text"] for q in _read_jsonl(folder / "queries.jsonl") if q["_id"] in qrels}
    qrels = {q: docs for q, docs in qrels.items() if q in queries}
    corpus = list(_read_jsonl(folder / "corpus.jsonl"))
    if limit is not None:
        kept = list(qrels)[:limit]
        qrels = {q: qrels[q] for q in kept}
        queries = {q: queries[q] for q in kept}
        judged = {d for docs in qrels.values() for d in docs}
        others = [d for d in corpus if d["_id"] not in judged][: 10 * limit]
        corpus = [d for d in corpus if d["_id"] in judged] + others
    if not queries or not corpus:
        raise InvalidInput(f"no queries or no documents for split {split!r} in {folder}")
    return BeirData(corpus, queries, qrels)


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


async def evaluate(
    runtime: Runtime, data: BeirData, progress: Progress | None = None, tenant: TenantId | None = None
) -> EvalReport:
    """Ingest into a fresh tenant, query, score, then remove the tenant's data."""
    tenant = tenant or TenantId(f"eval-{uuid.uuid4().hex[:12]}")
    report = progress or (lambda phase, done, total: None)
    phases: dict[str, float] = {}
    await runtime.start_all()
    documents = await runtime.documents()
    retriever = await runtime.retriever()
    beir_id: dict[str, str] = {}
    try:
        start = time.perf_counter()
        for i, doc in enumerate(data.corpus, start=1):
            result = await documents.upload(tenant, f"{doc['_id']}.md", as_markdown(doc))
            beir_id[result.document.id] = doc["_id"]
            if i % 50 == 0 or i == len(data.corpus):
                report("upload", i, len(data.corpus))
        phases["upload"] = time.perf_counter() - start
        start = time.perf_counter()
        failed = await _wait_ingested(documents, tenant, len(beir_id), report)
        phases["ingest"] = time.perf_counter() - start

        start = time.perf_counter()
        run: dict[str, dict[str, float]] = {}
        latencies = []
        for i, (query_id, text) in enumerate(data.queries.items(), start=1):
            began = time.perf_counter()
            hits = await retriever.retrieve(tenant, text, top_n=RANK_DEPTH * 3)
            latencies.append((time.perf_counter() - began) * 1000)
            ranking: dict[str, float] = {}
            for rank, hit in enumerate(hits):
                doc_id = beir_id.get(hit.payload.document_id)
                if doc_id is not None and doc_id not in ranking:
                    ranking[doc_id] = float(RANK_DEPTH * 3 - rank)
                if len(ranking) == RANK_DEPTH:
                    break
            run[query_id] = ranking
            if i % 25 == 0 or i == len(data.queries):
                report("query", i, len(data.queries))
        phases["query"] = time.perf_counter() - start
    finally:
        start = time.perf_counter()
        await _remove_tenant(runtime, tenant, list(beir_id))
        phases["cleanup"] = time.perf_counter() - start
    return EvalReport(score(run, data.qrels), latencies, len(data.corpus), len(data.queries), phases, failed)


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


async def _remove_tenant(runtime: Runtime, tenant: TenantId, ids: list[str]) -> None:
    await runtime.wait_idle()
    index = await runtime.get("vector_index")
    blobs = await runtime.get("blob_store")
    metadata = await runtime.get("metadata_store")
    await index.delete_tenant(tenant)
    await blobs.delete_tenant(tenant)
    for document_id in ids:
        try:
            await metadata.delete_document(tenant, document_id)
        except Exception:  # already gone
            continue
