"""Tune chunking and fusion on SciFact's train split, fast: embed once (cached), then score variants in numpy.

    .venv/bin/python bench/tune_retrieval.py --max-words 180 --overlap 40 --title
    .venv/bin/python bench/tune_retrieval.py --subset 300 ...   # 300 queries, judged docs + distractors

Dense search is exact cosine, sparse search is BM25 with Qdrant's IDF formula, fusion is Qdrant's RRF
(1 / (k + rank), ranks from 0) or DBSF. Figures here guide the defaults; the reported ones come from
`ragloom eval beir`, which runs the real pipeline.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy import sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.provenance import header
from ragloom.adapters.bm25.encoder import Bm25Encoder, Bm25Settings
from ragloom.adapters.sentence_transformers.embedder import SentenceTransformerSettings, load_model
from ragloom.adapters.text_extract.formats import markdown
from ragloom.core.chunking import ChunkingPolicy, chunk_segments
from ragloom.evaluation.beir import as_markdown, load_beir, score

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "scifact"
CACHE = Path("/tmp/ragloom-tune")


def chunk_corpus(corpus, policy):
    texts, owners = [], []
    for doc in corpus:
        extraction = markdown(as_markdown(doc))
        for chunk in chunk_segments(extraction.segments, extraction.title or "", policy):
            texts.append(chunk.embed_text)
            owners.append(doc["_id"])
    return texts, owners


def embed(model, texts, tag):
    CACHE.mkdir(exist_ok=True)
    key = hashlib.sha1(("\n".join(texts)).encode()).hexdigest()[:16]
    path = CACHE / f"{tag}-{key}.npy"
    if path.exists():
        return np.load(path)
    vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=True)
    np.save(path, vectors)
    return vectors


def bm25_matrix(encoder, texts):
    rows, cols, vals = [], [], []
    vocab: dict[int, int] = {}
    for r, vector in enumerate(encoder.encode_documents(texts)):
        for i, v in zip(vector.indices, vector.values, strict=True):
            rows.append(r)
            cols.append(vocab.setdefault(i, len(vocab)))
            vals.append(v)
    matrix = sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocab)))
    n = len(texts)
    df = np.bincount(matrix.indices, minlength=len(vocab))
    idf = np.log((n - df + 0.5) / (df + 0.5) + 1.0)
    return matrix, vocab, idf


def rank(scores, limit):
    top = np.argpartition(-scores, min(limit, len(scores) - 1))[:limit]
    return top[np.argsort(-scores[top])]


def fuse_rrf(lists, k, weights):
    fused = defaultdict(float)
    for ranking, weight in zip(lists, weights, strict=True):
        for position, item in enumerate(ranking):
            fused[item] += weight / (k + position)
    return sorted(fused, key=lambda i: -fused[i])


def fuse_dbsf(lists_with_scores):
    fused = defaultdict(float)
    for ranking, scores in lists_with_scores:
        mean, std = float(np.mean(scores)), float(np.std(scores)) or 1.0
        low, high = mean - 3 * std, mean + 3 * std
        for item, s in zip(ranking, scores, strict=True):
            fused[item] += (s - low) / (high - low)
    return sorted(fused, key=lambda i: -fused[i])


def to_run(chunk_ranking, owners, depth=100):
    docs = {}
    for position, chunk in enumerate(chunk_ranking):
        doc = owners[chunk]
        if doc not in docs:
            docs[doc] = float(1000 - position)
        if len(docs) == depth:
            break
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", default="train")
    parser.add_argument("--max-words", type=int, default=180)
    parser.add_argument("--overlap", type=int, default=40)
    parser.add_argument("--title", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--subset", type=int, default=None, help="queries to keep (with judged docs + 10x others)"
    )
    parser.add_argument("--prefetch", type=int, default=100)
    parser.add_argument("--avg-len", type=float, default=None, help="BM25 average length (default: measured)")
    parser.add_argument("--bm25", default="1.2,0.75", help="space-separated k1,b pairs to try")
    parser.add_argument("--quick", action="store_true", help="only sparse, RRF k=2 and DBSF")
    args = parser.parse_args()
    print(header(vars(args)), flush=True)

    loaded = load_beir(DATA, [args.split], args.subset)
    corpus, split = loaded.corpus, loaded.splits[args.split]
    policy = ChunkingPolicy(args.max_words, args.overlap, args.title)
    texts, owners = chunk_corpus(corpus, policy)
    model = load_model(SentenceTransformerSettings())
    started = time.perf_counter()
    dense = embed(model, texts, f"w{args.max_words}-o{args.overlap}-t{int(args.title)}")
    print(f"{len(corpus)} docs, {len(texts)} chunks, embeddings in {time.perf_counter() - started:.0f} s")
    probe = Bm25Encoder(Bm25Settings())
    measured = sum(len(probe.terms(t)) for t in texts) / len(texts)
    avg_len = args.avg_len or measured
    qids = list(split.queries)
    qdense = model.encode([split.queries[q] for q in qids], batch_size=64, normalize_embeddings=True)
    for pair in args.bm25.split():
        k1, b = (float(x) for x in pair.split(","))
        print(f"BM25 k1={k1} b={b} average length {avg_len:.1f} (measured {measured:.1f})")
        encoder = Bm25Encoder(Bm25Settings(average_length=avg_len, k1=k1, b=b))
        sweep(args, split, texts, owners, dense, encoder, qids, qdense)


def sweep(args, split, texts, owners, dense, encoder, qids, qdense) -> None:
    matrix, vocab, idf = bm25_matrix(encoder, texts)
    lists = {}
    for i, q in enumerate(qids):
        d_scores = dense @ qdense[i]
        d_rank = rank(d_scores, args.prefetch)
        cols = [vocab[t] for t in encoder.encode_query(split.queries[q]).indices if t in vocab]
        s_scores = np.asarray(matrix[:, cols] @ idf[cols]).ravel() if cols else np.zeros(len(texts))
        s_rank = rank(s_scores, args.prefetch)
        s_rank = s_rank[s_scores[s_rank] > 0]
        lists[q] = (d_rank, d_scores[d_rank], s_rank, s_scores[s_rank])

    def evaluate(name, fuse):
        run = {q: to_run(fuse(*lists[q]), owners) for q in qids}
        m = score(run, split.qrels)
        figures = "  ".join(f"{key} {m[key]:.4f}" for key in ("ndcg@10", "recall@100", "mrr@10"))
        print(f"{name:<34} {figures}")
        return m

    if not args.quick:
        evaluate("dense", lambda d, ds, s, ss: list(d))
    evaluate("sparse", lambda d, ds, s, ss: list(s))
    for k in (2,) if args.quick else (2, 10, 30, 60, 100):
        evaluate(f"rrf k={k}", lambda d, ds, s, ss, k=k: fuse_rrf([d, s], k, [1, 1]))
    if not args.quick:
        for w in (0.5, 0.7, 1.5, 2.0):
            for k in (30, 60):
                evaluate(
                    f"rrf k={k} dense weight {w}", lambda d, ds, s, ss, k=k, w=w: fuse_rrf([d, s], k, [w, 1])
                )
    evaluate("dbsf", lambda d, ds, s, ss: fuse_dbsf([(d, ds), (s, ss)]))


if __name__ == "__main__":
    main()
