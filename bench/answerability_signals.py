"""Which signal tells an answerable SciFact claim from one whose abstracts were deleted?

    .venv/bin/python bench/answerability_signals.py      # about 15 minutes the first time (embeddings cached)

The same seeded halves as `ragloom eval answerability` (`seeded_halves`): the relevant abstracts of
one half of train and test are removed. Whole abstracts and their sentences are embedded with
all-MiniLM-L6-v2 (cached). For each signal, the threshold that answers 90% of answerable train
queries is applied to test; the area under the ROC curve on test says how far apart the two
groups are. The reported abstention figures come from `ragloom eval answerability`, which runs the
real pipeline.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.provenance import header
from ragloom.adapters.sentence_transformers.embedder import SentenceTransformerSettings, load_model
from ragloom.core.text import split_sentences, words
from ragloom.evaluation.answerability import seeded_halves
from ragloom.evaluation.beir import load_beir

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "scifact"
CACHE = Path("/tmp/ragloom-answerability")
STOP = {"a", "an", "the", "of", "in", "on", "to", "and", "or", "is", "are", "was", "were", "be", "by", "for"}


def _embedded(name: str, texts: list[str], model) -> np.ndarray:
    path = CACHE / f"{name}.npy"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, model.encode(texts, batch_size=64, normalize_embeddings=True).astype(np.float32))
    return np.load(path)


def main() -> None:
    print(
        header({"data": str(DATA), "splits": ["train", "test"], "model": SentenceTransformerSettings().model})
    )
    data = load_beir(DATA, ["train", "test"])
    ids = [doc["_id"] for doc in data.corpus]
    texts = [f"{doc.get('title', '')}\n{doc['text']}" for doc in data.corpus]
    model = load_model(SentenceTransformerSettings())
    documents = _embedded("documents", texts, model)
    sentences, owner = [], []
    for i, doc in enumerate(data.corpus):
        for sentence in [doc["title"]] * bool(doc.get("title")) + split_sentences(doc["text"]):
            sentences.append(sentence)
            owner.append(i)
    sentence_vectors = _embedded("sentences", sentences, model)
    by_document: dict[int, list[int]] = {}
    for k, i in enumerate(owner):
        by_document.setdefault(i, []).append(k)
    terms = [set(words(text)) for text in texts]
    frequency = Counter(t for found in terms for t in found)

    def idf(term: str) -> float:
        return math.log(1 + len(terms) / (1 + frequency[term]))

    halves = {name: seeded_halves(list(split.qrels)) for name, split in data.splits.items()}
    doomed = {d for name, split in data.splits.items() for q in halves[name][0] for d in split.qrels[q]}
    alive = np.array([doc_id not in doomed for doc_id in ids])
    rows: dict[str, list[dict[str, float]]] = {}
    for name, split in data.splits.items():
        unanswerable, answerable = halves[name]
        asked = [q for q in sorted(split.qrels) if q in unanswerable or set(split.qrels[q]) - doomed]
        questions = model.encode([split.queries[q] for q in asked], normalize_embeddings=True)
        rows[name] = []
        for query_id, question in zip(asked, questions, strict=True):
            scores = np.where(alive, documents @ question, -1.0)
            top = np.argsort(-scores)[:20]
            best = scores[top]
            content = [t for t in set(words(split.queries[query_id])) if t not in STOP and len(t) > 1]
            weight = sum(idf(t) for t in content) or 1.0
            row = {
                "answerable": float(query_id in answerable),
                "top cosine": float(best[0]),
                "gap to the next nine": float(best[0] - best[1:10].mean()),
                "z-score in the top 20": float((best[0] - best.mean()) / (best.std() + 1e-6)),
                "idf coverage, top 5": max(
                    sum(idf(t) for t in content if t in terms[j]) / weight for j in top[:5]
                ),
            }
            for k in (1, 3, 5, 10):
                chosen = [s for j in top[:k] for s in by_document.get(int(j), [])]
                row[f"best sentence, top {k}"] = float((sentence_vectors[chosen] @ question).max())
            rows[name].append(row)
    print(f"{'signal':28} {'threshold':>9} {'test abstained':>15} {'test answered':>14} {'test AUC':>9}")
    for signal in [k for k in rows["test"][0] if k != "answerable"]:
        _report(signal, rows, lambda row, s=signal: row[s])


def _report(signal: str, rows: dict[str, list[dict[str, float]]], value: Callable) -> None:
    train = sorted(value(r) for r in rows["train"] if r["answerable"])
    threshold = train[int(0.10 * len(train))]
    answerable = [value(r) for r in rows["test"] if r["answerable"]]
    unanswerable = [value(r) for r in rows["test"] if not r["answerable"]]
    abstained = sum(v < threshold for v in unanswerable) / len(unanswerable)
    answered = sum(v >= threshold for v in answerable) / len(answerable)
    pairs = [(a > u) + 0.5 * (a == u) for a in answerable for u in unanswerable]
    auc = sum(pairs) / len(pairs)
    print(f"{signal:28} {threshold:9.3f} {abstained:15.1%} {answered:14.1%} {auc:9.3f}")


if __name__ == "__main__":
    main()
