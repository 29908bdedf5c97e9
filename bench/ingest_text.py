"""Ingest the first N SciFact abstracts through the real pipeline; compare with the bare model's encode.

    .venv/bin/python bench/ingest_text.py --docs 1000

The pipeline run is the embedded profile in a temporary RAGLOOM_HOME: upload -> blob store -> in-process
queue -> sandboxed extraction -> PII scrubbing (`--pii`, Presidio by default) -> chunk -> coalesced
embedding -> qdrant-edge -> SQLite status. The baseline
encodes the very same chunk texts with the same model in a plain loop of batch-64 `encode` calls, in
corpus order, in the same process. Both figures are printed with their ratio and the peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import resource
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.provenance import header
from ragloom.adapters.text_extract.formats import Budget, markdown
from ragloom.adapters.text_extract.media_types import TextExtractSettings
from ragloom.core.chunking import ChunkingPolicy, chunk_segments
from ragloom.core.models import DEFAULT_TENANT, DocumentStatus
from ragloom.core.streams import IncomingFile
from ragloom.entrypoints.bootstrap import open_runtime
from ragloom.entrypoints.settings import load_settings

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "scifact" / "corpus.jsonl"


def read_corpus(path: Path, n: int) -> list[dict]:
    docs = []
    with path.open() as handle:
        for line in handle:
            docs.append(json.loads(line))
            if len(docs) == n:
                break
    return docs


def as_markdown(doc: dict) -> bytes:
    return f"# {doc['title']}\n\n{doc['text']}\n".encode()


def _cpu_seconds(stat_path: Path) -> float:
    """User plus system CPU seconds of a task or process, from its /proc stat line."""
    fields = stat_path.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    """Child processes, theirs and so on (each thread lists the children it started)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            for child in map(int, (task / "children").read_text().split()):
                found += [child, *_descendants(child)]
    return found


def cpu_snapshot() -> Counter[str]:
    """CPU seconds so far of each of this process's threads, by name (numbered pools as one; threads
    that Python did not start, such as torch's intra-op pool, as "native" with the name the kernel
    knows them by), and of its child processes together."""
    names = {thread.native_id: re.sub(r"[-_]\d+", "", thread.name) for thread in threading.enumerate()}
    seconds: Counter[str] = Counter()
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            name = names.get(int(task.name)) or f"native ({(task / 'comm').read_text().strip()})"
            seconds[name] += _cpu_seconds(task / "stat")
    for child in _descendants(os.getpid()):
        with contextlib.suppress(OSError):
            seconds["child processes (extraction sandbox, PII helper)"] += _cpu_seconds(
                Path(f"/proc/{child}/stat")
            )
    return seconds


async def run_pipeline(
    docs: list[dict], home: Path, pii: str, overrides: dict
) -> tuple[float, int, Counter[str]]:
    settings = load_settings(
        environ={"RAGLOOM_HOME": str(home)},
        overrides={"adapters": {"pii_scrubber": pii}, **overrides},
    )
    async with open_runtime(settings) as runtime:
        await runtime.lifecycle.start_all()
        documents = await runtime.documents()
        await (await runtime.get("text_embedder")).embed_documents(["warm up"] * 64)
        # Starts the extraction sandbox and the scrubber's helper process for long texts.
        long_text = b"John Smith called 555-0100 in Paris. " * 200
        warm_up = IncomingFile.from_bytes("warm-up.md", b"# Warm up\n\n" + long_text)
        await documents.upload(DEFAULT_TENANT, warm_up)
        await runtime.lifecycle.wait_idle()
        before = cpu_snapshot()
        start = time.perf_counter()
        ids = [
            (
                await documents.upload(
                    DEFAULT_TENANT, IncomingFile.from_bytes(f"{d['_id']}.md", as_markdown(d))
                )
            ).document.id
            for d in docs
        ]
        await runtime.lifecycle.wait_idle()
        elapsed = time.perf_counter() - start
        cpu = cpu_snapshot()
        cpu.subtract(before)
        statuses = [(await documents.get(DEFAULT_TENANT, i)) for i in ids]
        failed = [d for d in statuses if d.status != DocumentStatus.READY]
        if failed:
            raise SystemExit(f"{len(failed)} documents not ready: {failed[0].error}")
        return elapsed, sum(d.chunk_count for d in statuses), cpu


def chunk_texts(docs: list[dict], policy: ChunkingPolicy) -> list[str]:
    """The chunks the pipeline embeds: same extractor, same chunker, same bytes."""
    texts = []
    for d in docs:
        extraction = markdown(as_markdown(d).decode(), Budget(TextExtractSettings()))
        texts.extend(
            c.embed_text for c in chunk_segments(extraction.segments, extraction.title or "", policy)
        )
    return texts


def run_bare_encode(texts: list[str], batch: int, dtype: Any) -> float:
    """Seconds to encode `texts` in batches, in `dtype` (torch's; None for float32)."""
    import torch

    from ragloom.adapters.sentence_transformers.embedder import SentenceTransformerSettings, load_model

    model = load_model(SentenceTransformerSettings())
    precision = torch.autocast("cpu", dtype=dtype) if dtype is not None else contextlib.nullcontext()
    with precision:
        model.encode(["warm up"] * 64, batch_size=64)
        start = time.perf_counter()
        for i in range(0, len(texts), batch):
            model.encode(texts[i : i + batch], batch_size=batch, normalize_embeddings=True)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=1000, help="how many abstracts (SciFact has 5,183)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--batch", type=int, default=64, help="batch size of the bare encode loop")
    parser.add_argument("--pii", default="presidio", help="the pii_scrubber adapter: presidio or regex")
    parser.add_argument(
        "--overrides",
        type=json.loads,
        default={},
        help='settings as JSON, e.g. {"plugins": {"job_queue": {"inprocess": {"per_tenant_jobs": 2}}}}',
    )
    args = parser.parse_args()

    from ragloom.adapters.sentence_transformers.embedder import SentenceTransformerSettings, document_dtype

    docs = read_corpus(args.corpus, args.docs)
    settings = load_settings(environ={"RAGLOOM_HOME": "/nonexistent"}, overrides=args.overrides)
    texts = chunk_texts(docs, ChunkingPolicy(**settings.chunking.model_dump()))
    dtype = document_dtype(SentenceTransformerSettings())
    shown = {"pii": args.pii, "overrides": args.overrides, "chunking": settings.chunking.model_dump()}
    print(header({**shown, "document precision": str(dtype or "float32")}) + "\n", flush=True)
    with tempfile.TemporaryDirectory() as home:
        pipeline_seconds, chunks, cpu = asyncio.run(run_pipeline(docs, Path(home), args.pii, args.overrides))
    bare_seconds = run_bare_encode(texts, args.batch, dtype)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert abs(chunks - len(texts)) <= len(texts) // 100, (chunks, len(texts))  # masking moves a few cuts

    pipeline_docs = len(docs) / pipeline_seconds
    bare_docs = len(docs) / bare_seconds
    print(f"documents            {len(docs)}")
    print(f"chunks               {chunks}")
    row = "{:<20} {:8.1f} s  {:7.1f} docs/s  {:7.1f} chunks/s"
    print(row.format("pipeline", pipeline_seconds, pipeline_docs, chunks / pipeline_seconds))
    print(row.format(f"bare encode (b={args.batch})", bare_seconds, bare_docs, chunks / bare_seconds))
    print(f"pipeline / bare      {pipeline_docs / bare_docs:8.3f}")
    print(f"peak memory          {peak_mb:8.0f} MB (RSS, whole process)")
    print(f"\nCPU seconds while the pipeline ran ({pipeline_seconds:.1f} s on {os.cpu_count()} cores):")
    for name, seconds in cpu.most_common():
        if seconds >= 0.05:
            print(f"  {name:<40} {seconds:7.1f} s  {seconds / len(docs) * 1000:6.1f} ms/doc")
    print(f"  {'all':<40} {sum(cpu.values()):7.1f} s")


if __name__ == "__main__":
    main()
