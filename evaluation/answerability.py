"""`ragloom eval answerability`: does ragloom say "not in your documents" when, and only when, the
documents do not hold the answer?

A BEIR corpus goes through the real pipeline into a fresh tenant. A seeded half of each split's
queries is made unanswerable by deleting their relevant documents. A query of the other half stays
answerable if one of its relevant documents is left. Every query is then asked through the real
answering service (`no_answer` at the configured `answers.min_similarity`), and the similarity the
decision rests on is kept, so the same run also gives the curve over every threshold and the
threshold a split would choose: the highest one that still answers `target_answered` of its
answerable queries.
"""

from __future__ import annotations

import dataclasses
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ragloom.core.evidence import read
from ragloom.core.models import AnswerDone, DocumentId, Passage, TenantId
from ragloom.core.services.answer import AnswerPolicy

from .beir import BeirData, Progress, doc_ranking, ingest_corpus, score
from .runtime import Runtime

SEED = 13
THRESHOLDS = [round(0.1 + 0.01 * i, 2) for i in range(71)]  # 0.10 .. 0.80
SUPPORTS = [round(0.05 * i, 2) for i in range(17)]  # 0.00 .. 0.80


@dataclass
class Asked:
    answerable: bool
    similarity: float
    abstained: bool  # what the answering service said, at the configured thresholds
    ranking: dict[str, float]
    support: float = 0.0  # how much of the query the best passage sentence holds (core.evidence)


@dataclass
class SplitResult:
    asked: dict[str, Asked]
    qrels: dict[str, dict[str, int]]  # of the answerable queries, the documents left
    excluded: int  # seeded answerable, but every relevant document was removed for another query

    def rates(self, threshold: float | None = None) -> tuple[float, float]:
        """(share of unanswerable queries that abstained, share of answerable ones answered), by
        the service's own decisions, or as a threshold on the similarity would decide."""

        def abstains(a: Asked) -> bool:
            return a.abstained if threshold is None else a.similarity < threshold

        return self._rates(abstains)

    def rates_by_support(self, policy: AnswerPolicy, threshold: float) -> tuple[float, float]:
        """The rates of the configured policy with `threshold` for its minimum support."""
        moved = dataclasses.replace(policy, min_support=threshold)
        return self._rates(lambda a: not moved.answers(a.similarity, a.support))

    def _rates(self, abstains: Callable[[Asked], bool]) -> tuple[float, float]:

        unanswerable = [a for a in self.asked.values() if not a.answerable]
        answerable = [a for a in self.asked.values() if a.answerable]
        abstained = sum(abstains(a) for a in unanswerable) / max(1, len(unanswerable))
        answered = sum(not abstains(a) for a in answerable) / max(1, len(answerable))
        return abstained, answered

    def ndcg_answered(self, threshold: float | None = None) -> float:
        """nDCG@10 over the answerable queries that were answered."""
        chosen = {
            q: a.ranking
            for q, a in self.asked.items()
            if a.answerable and not (a.abstained if threshold is None else a.similarity < threshold)
        }
        if not chosen:
            return 0.0
        return score(chosen, {q: self.qrels[q] for q in chosen})["ndcg@10"]

    def chosen_threshold(self, target_answered: float) -> float:
        """The highest threshold that still answers `target_answered` of the answerable queries."""
        fitting = [t for t in THRESHOLDS if self.rates(t)[1] >= target_answered]
        return max(fitting) if fitting else THRESHOLDS[0]


@dataclass
class AnswerabilityReport:
    threshold: float
    splits: dict[str, SplitResult]
    documents: int
    removed: int
    phases: dict[str, float] = field(default_factory=dict)
    policy: AnswerPolicy = field(default_factory=AnswerPolicy)


def seeded_halves(queries: list[str], seed: int = SEED) -> tuple[set[str], set[str]]:
    """(unanswerable, answerable): a seeded shuffle cut in two."""
    shuffled = sorted(queries)
    random.Random(seed).shuffle(shuffled)
    half = len(shuffled) // 2
    return set(shuffled[:half]), set(shuffled[half:])


async def evaluate_answerability(
    runtime: Runtime, data: BeirData, progress: Progress | None = None
) -> AnswerabilityReport:
    tenant = TenantId(f"eval-{uuid.uuid4().hex[:12]}")
    report = progress or (lambda phase, done, total: None)
    phases: dict[str, float] = {}
    await runtime.lifecycle.start_all()
    tenants = await runtime.tenants()
    await tenants.ensure(tenant, "answerability evaluation")
    try:
        beir_id = await ingest_corpus(runtime, tenant, data.corpus, report, phases)
        phases.pop("failed", None)
        ragloom_id = {b: DocumentId(r) for r, b in beir_id.items()}
        halves = {name: seeded_halves(list(split.qrels)) for name, split in data.splits.items()}
        doomed = {
            doc
            for name, split in data.splits.items()
            for q in halves[name][0]
            for doc in split.qrels[q]
            if doc in ragloom_id
        }
        start = time.perf_counter()
        documents = await runtime.documents()
        for i, doc in enumerate(sorted(doomed), start=1):
            await documents.delete(tenant, ragloom_id[doc])
            if i % 50 == 0 or i == len(doomed):
                report("remove", i, len(doomed))
        phases["remove"] = time.perf_counter() - start
        answer = await runtime.answer()
        retriever = await runtime.retriever()
        results: dict[str, SplitResult] = {}
        for name, split in data.splits.items():
            start = time.perf_counter()
            unanswerable, answerable = halves[name]
            left = {
                q: {d: g for d, g in split.qrels[q].items() if d not in doomed and g > 0} for q in answerable
            }
            kept = {q for q, docs in left.items() if docs}
            asked: dict[str, Asked] = {}
            for i, query_id in enumerate(sorted(unanswerable | kept), start=1):
                text = split.queries[query_id]
                retrieved = await retriever.search(tenant, text, top_n=100, ranking_only=True)
                done = [e async for e in answer.answer(tenant, text) if isinstance(e, AnswerDone)][-1]
                passages = await retriever.search(tenant, text, similarity=False)
                support = read(
                    text,
                    [Passage(i, h.payload.text, h.payload.title) for i, h in enumerate(passages.hits, 1)],
                )
                asked[query_id] = Asked(
                    answerable=query_id in kept,
                    similarity=retrieved.similarity or 0.0,
                    abstained=done.no_answer,
                    ranking=doc_ranking(retrieved.hits, beir_id),
                    support=support.support,
                )
                if i % 25 == 0 or i == len(unanswerable | kept):
                    report(f"ask {name}", i, len(unanswerable | kept))
            results[name] = SplitResult(asked, {q: left[q] for q in kept}, len(answerable) - len(kept))
            phases[f"ask {name}"] = time.perf_counter() - start
    finally:
        start = time.perf_counter()
        await runtime.lifecycle.wait_idle()
        await tenants.delete(tenant)
        phases["cleanup"] = time.perf_counter() - start
    threshold = runtime.settings.answers.min_similarity
    policy = answer.policy
    return AnswerabilityReport(threshold, results, len(data.corpus), len(doomed), phases, policy)


def report_json(result: AnswerabilityReport, target_answered: float) -> dict[str, Any]:
    body: dict[str, Any] = {"documents": result.documents, "removed_documents": result.removed}
    first = next(iter(result.splits))
    tuned = result.splits[first].chosen_threshold(target_answered)
    body["configured_threshold"] = result.threshold
    body["threshold_chosen_on"] = {"split": first, "threshold": tuned, "target_answered": target_answered}
    for name, split in result.splits.items():
        abstained, answered = split.rates()
        tuned_abstained, tuned_answered = split.rates(tuned)
        body[name] = {
            "unanswerable": sum(not a.answerable for a in split.asked.values()),
            "answerable": sum(a.answerable for a in split.asked.values()),
            "excluded": split.excluded,
            "at_configured": {
                "abstained": round(abstained, 4),
                "answered": round(answered, 4),
                "ndcg@10_answered": round(split.ndcg_answered(), 4),
            },
            "at_chosen": {
                "threshold": tuned,
                "abstained": round(tuned_abstained, 4),
                "answered": round(tuned_answered, 4),
                "ndcg@10_answered": round(split.ndcg_answered(tuned), 4),
            },
            "curve": [
                {"threshold": t, "abstained": round(r[0], 4), "answered": round(r[1], 4)}
                for t in THRESHOLDS
                for r in [split.rates(t)]
            ],
            # the configured policy with its minimum support moved, the similarity floor as set
            "support_curve": [
                {"min_support": t, "abstained": round(r[0], 4), "answered": round(r[1], 4)}
                for t in SUPPORTS
                for r in [split.rates_by_support(result.policy, t)]
            ],
        }
    body["phases_s"] = {k: round(v, 1) for k, v in result.phases.items()}
    return body
