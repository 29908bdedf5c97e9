"""Answer latency through HTTP: semantic cache misses and hits, and `/v1/query` against the
OpenAI-compatible `/v1/chat/completions`.

    .venv/bin/python bench/query.py --docs 500 --queries 100

A real `ragloom serve` on the embedded profile (MiniLM, qdrant-edge, SQLite, the extractive chat
model, the in-process cache) in a fresh home ingests the first N SciFact abstracts, then is asked
SciFact test questions over HTTP, one at a time and 16 at once:

- miss: each question the first time; hit: the same questions again (answered from the cache);
- the two routes compared on misses only (the server restarted on the same home with answers kept
  a microsecond), so both pay for the lookup, retrieval and generation.

Time to first token is until the first piece of the answer arrives (`delta` event, or the first
chunk with content); total is until the stream ends. Prints p50 and p95 of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.provenance import commit
from tests.helpers.server import running_server

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "scifact"


def _relevant() -> dict[str, set[str]]:
    """The SciFact test questions' relevant abstracts, by question id."""
    relevant: dict[str, set[str]] = {}
    for line in (DATA / "qrels" / "test.tsv").read_text().splitlines()[1:]:
        query_id, corpus_id, _ = line.split("\t")
        relevant.setdefault(query_id, set()).add(corpus_id)
    return relevant


def _corpus(count: int, first: set[str]) -> list[tuple[str, bytes]]:
    """`count` abstracts: those in `first`, then the corpus in order."""
    with (DATA / "corpus.jsonl").open() as lines:
        rows = [json.loads(line) for line in lines]
    rows.sort(key=lambda row: row["_id"] not in first)  # stable: the rest keep their order
    return [(f"{row['_id']}.txt", f"{row['title']}\n\n{row['text']}".encode()) for row in rows[:count]]


def _questions(count: int) -> list[tuple[str, set[str]]]:
    """The first `count` test questions with their relevant abstracts' ids."""
    relevant = _relevant()
    with (DATA / "queries.jsonl").open() as lines:
        rows = [json.loads(line) for line in lines]
    return [(row["text"], relevant[row["_id"]]) for row in rows if row["_id"] in relevant][:count]


async def _ingest(url: str, key: str, documents: list[tuple[str, bytes]]) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as http:
        ids = []
        for name, body in documents:
            response = await http.post("/v1/documents", files={"file": (name, body, "text/plain")})
            response.raise_for_status()
            ids.append(response.json()["id"])
        # One small read at a time, of the oldest unfinished document (a listing of every document
        # each second would cost the server as much as a few questions).
        while ids:
            status = (await http.get(f"/v1/documents/{ids[0]}")).json()["status"]
            if status in ("ready", "failed"):
                ids.pop(0)
            else:
                await asyncio.sleep(0.5)


def _is_first_piece(route: str, line: str) -> bool:
    """Whether a line of the stream carries a piece of the answer's text."""
    if route == "query":
        return line.startswith("event: delta")
    if not line.startswith("data: {"):
        return False
    choices = json.loads(line[6:]).get("choices") or [{}]
    return bool(choices[0].get("delta", {}).get("content"))


def _abstains(route: str, line: str) -> bool:
    """Whether a line of the stream says the documents do not hold the answer."""
    if not line.startswith("data: {"):
        return False
    data = json.loads(line[6:])
    return bool(data.get("no_answer") if route == "query" else (data.get("ragloom") or {}).get("no_answer"))


async def _one(http: httpx.AsyncClient, route: str, question: str) -> tuple[float, float, bool]:
    """(time to first token, total) in seconds for one streamed answer, and whether it abstained."""
    if route == "query":
        path, body = "/v1/query", {"question": question}
    else:
        path, body = (
            "/v1/chat/completions",
            {"messages": [{"role": "user", "content": question}], "stream": True},
        )
    began = time.perf_counter()
    first = None
    abstained = False
    async with http.stream("POST", path, json=body) as response:
        response.raise_for_status()
        async for line in response.aiter_lines():
            if first is None and _is_first_piece(route, line):
                first = time.perf_counter() - began
            abstained = abstained or _abstains(route, line)
    total = time.perf_counter() - began
    return first if first is not None else total, total, abstained


async def _run(url: str, key: str, route: str, questions: list[str], concurrency: int) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120, limits=limits) as http:

        async def timed(question: str) -> tuple[float, float, bool]:
            async with gate:
                return await _one(http, route, question)

        began = time.perf_counter()
        results = await asyncio.gather(*(timed(q) for q in questions))
        wall = time.perf_counter() - began
    firsts = sorted(r[0] * 1000 for r in results)
    totals = sorted(r[1] * 1000 for r in results)
    return {
        "ttft_p50": statistics.median(firsts),
        "ttft_p95": firsts[int(0.95 * (len(firsts) - 1))],
        "total_p50": statistics.median(totals),
        "total_p95": totals[int(0.95 * (len(totals) - 1))],
        "qps": len(questions) / wall,
        "abstained": sum(r[2] for r in results),
    }


def _row(label: str, figures: dict[str, float]) -> str:
    f = figures
    return (
        f"| {label} | {f['ttft_p50']:.1f} | {f['ttft_p95']:.1f} | {f['total_p50']:.1f} | "
        f"{f['total_p95']:.1f} | {f['qps']:.1f} | {f['abstained']:.0f} |"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--chat-model", default="extractive", help="e.g. llama_cpp (SmolLM2 in-process)")
    parser.add_argument(
        "--with-answers",
        action="store_true",
        help="ingest the questions' relevant abstracts first, so their answers are in the corpus",
    )
    parser.add_argument("--cache-only", action="store_true", help="skip the route comparison")
    parser.add_argument("--llm-threads", type=int, default=None, help="llama_cpp threads (default: its own)")
    args = parser.parse_args()
    print(
        f"cores {os.cpu_count()}, commit {commit()}, "
        f"{args.docs} SciFact abstracts{' (the relevant ones first)' if args.with_answers else ''}, "
        f"{args.queries} test questions, chat model {args.chat_model}"
        + (f" ({args.llm_threads} threads)" if args.llm_threads else "")
    )
    asked = _questions(args.queries)
    questions = [text for text, _ in asked]
    first = set().union(*(ids for _, ids in asked)) if args.with_answers else set()
    with tempfile.TemporaryDirectory(prefix="ragloom-query-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")}
        env |= {"RAGLOOM_HOME": home, "RAGLOOM_ADAPTERS__PII_SCRUBBER": "regex"}
        env["RAGLOOM_ADAPTERS__CHAT_MODEL"] = args.chat_model
        if args.llm_threads is not None:
            env["RAGLOOM_PLUGINS__CHAT_MODEL__LLAMA_CPP__THREADS"] = str(args.llm_threads)
        header = (
            "| run, ms | TTFT p50 | TTFT p95 | total p50 | total p95 | answers/s | no_answer |\n"
            + "| --- " * 7
            + "|"
        )
        with running_server(env, timeout=300) as url:
            key = (Path(home) / "default-api-key").read_text().strip()
            began = time.perf_counter()
            await _ingest(url, key, _corpus(args.docs, first))
            print(f"ingested {args.docs} abstracts in {time.perf_counter() - began:.0f} s\n")
            print(header)
            for concurrency in (1, 16):
                half = (
                    questions[: len(questions) // 2] if concurrency == 1 else questions[len(questions) // 2 :]
                )
                print(
                    _row(
                        f"/v1/query, miss, concurrency {concurrency}",
                        await _run(url, key, "query", half, concurrency),
                    ),
                    flush=True,
                )
                print(
                    _row(
                        f"/v1/query, hit, concurrency {concurrency}",
                        await _run(url, key, "query", half, concurrency),
                    ),
                    flush=True,
                )
        if args.cache_only:
            return
        env["RAGLOOM_PLUGINS__SEMANTIC_CACHE__MEMORY__TTL_SECONDS"] = "0.000001"  # every lookup misses
        with running_server(env, timeout=300) as url:
            for concurrency in (1, 16):
                for route in ("query", "chat"):
                    label = "/v1/query" if route == "query" else "/v1/chat/completions"
                    figures = await _run(url, key, route, questions, concurrency)
                    print(_row(f"{label}, miss, concurrency {concurrency}", figures), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
