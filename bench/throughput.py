"""Questions per second through HTTP at concurrency 1, 4 and 16, and at 16 while documents are ingested.

    .venv/bin/python bench/throughput.py --docs 300 --ingest-docs 1000

A real `ragloom serve` on the embedded profile with its defaults (MiniLM, qdrant-edge, SQLite,
Presidio, the extractive chat model) in a fresh home ingests the first `--docs` SciFact abstracts.
Then `POST /v1/query` is asked distinct SciFact questions (so the semantic cache never answers), each
streamed to its end, by 1, 4 and 16 clients at once; then by 16 clients again while the next
`--ingest-docs` abstracts are uploaded and ingested by the same service. Prints, per run, questions
per second, p50 and p95 of the whole answer in milliseconds, and errors (a status other than 200, a
stream ending in an `error` event, or a failed connection); and the p50 during ingestion against the
p50 before it.
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

from bench.peers import ragloom_settings
from bench.provenance import commit
from bench.query import DATA, _ingest
from tests.helpers.server import running_server


def _abstracts() -> list[tuple[str, bytes]]:
    with (DATA / "corpus.jsonl").open() as lines:
        rows = [json.loads(line) for line in lines]
    return [(f"{row['_id']}.txt", f"{row['title']}\n\n{row['text']}".encode()) for row in rows]


def _distinct_questions() -> list[str]:
    with (DATA / "queries.jsonl").open() as lines:
        texts = [json.loads(line)["text"] for line in lines]
    return list(dict.fromkeys(texts))


async def _ask(http: httpx.AsyncClient, question: str) -> tuple[float, bool]:
    """(seconds until the stream ended, whether it failed)."""
    began = time.perf_counter()
    try:
        async with http.stream("POST", "/v1/query", json={"question": question}) as response:
            failed = response.status_code != 200
            async for line in response.aiter_lines():
                failed = failed or line.startswith("event: error")
    except httpx.HTTPError:
        failed = True
    return time.perf_counter() - began, failed


async def _run(url: str, key: str, questions: list[str], concurrency: int) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120, limits=limits) as http:

        async def timed(question: str) -> tuple[float, bool]:
            async with gate:
                return await _ask(http, question)

        began = time.perf_counter()
        results = await asyncio.gather(*(timed(q) for q in questions))
        wall = time.perf_counter() - began
    totals = sorted(seconds * 1000 for seconds, _ in results)
    return {
        "qps": len(questions) / wall,
        "p50": statistics.median(totals),
        "p95": totals[int(0.95 * (len(totals) - 1))],
        "errors": sum(failed for _, failed in results),
        "questions": len(questions),
    }


async def _upload_all(url: str, key: str, documents: list[tuple[str, bytes]]) -> float:
    """Upload and wait until every document is ready or failed; the seconds it took."""
    began = time.perf_counter()
    await _ingest(url, key, documents)
    return time.perf_counter() - began


def _row(label: str, f: dict[str, float]) -> str:
    return (
        f"| {label} | {f['questions']:.0f} | {f['qps']:.1f} | {f['p50']:.1f} | {f['p95']:.1f} | "
        f"{f['errors']:.0f} |"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300, help="abstracts ingested before the questions")
    parser.add_argument(
        "--ingest-docs", type=int, default=1000, help="abstracts ingested during the last run"
    )
    parser.add_argument("--per-client", type=int, default=12, help="questions per client in each run")
    args = parser.parse_args()
    print(
        f"cores {os.cpu_count()}, commit {commit()}, embedded profile defaults, "
        f"{args.docs} SciFact abstracts, then {args.ingest_docs} more during the last run; "
        f"{args.per_client} distinct questions per client"
    )
    print(f"ragloom settings: {ragloom_settings(None)}")
    abstracts = _abstracts()
    questions = iter(_distinct_questions())
    with tempfile.TemporaryDirectory(prefix="ragloom-throughput-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")} | {"RAGLOOM_HOME": home}
        with running_server(env, timeout=300) as url:
            key = (Path(home) / "default-api-key").read_text().strip()
            seconds = await _upload_all(url, key, abstracts[: args.docs])
            print(f"ingested {args.docs} abstracts in {seconds:.0f} s\n")
            print("| run | questions | questions/s | p50 ms | p95 ms | errors |\n" + "| --- " * 6 + "|")
            await _run(url, key, [next(questions) for _ in range(8)], 4)  # warm up
            figures = {}
            for concurrency in (1, 4, 16):
                batch = [next(questions) for _ in range(args.per_client * concurrency)]
                figures[concurrency] = await _run(url, key, batch, concurrency)
                print(_row(f"concurrency {concurrency}", figures[concurrency]), flush=True)
            more = abstracts[args.docs : args.docs + args.ingest_docs]
            ingestion = asyncio.create_task(_upload_all(url, key, more))
            await asyncio.sleep(5)  # the upload and the first ingestions are under way
            batch = [next(questions) for _ in range(args.per_client * 16)]
            during = await _run(url, key, batch, 16)
            still = not ingestion.done()
            print(_row(f"concurrency 16, ingesting {len(more)} abstracts", during))
            seconds = await ingestion
            when = "was still running at the end" if still else "ended before the questions did"
            print(
                f"\nthe ingestion {when} and took {seconds:.0f} s ({len(more) / seconds:.1f} documents/s); "
                f"p50 during it / before it: {during['p50'] / figures[16]['p50']:.2f}"
            )


if __name__ == "__main__":
    asyncio.run(main())
