"""ragloom against LlamaIndex on one corpus, in one run: indexing documents per second, quality, latency.

    .venv/bin/python bench/peers.py                        # SciFact test, the whole corpus
    .venv/bin/python bench/peers.py --max-docs 500         # a quick look (figures not comparable)

First `../shared/peers/llamaindex_scifact.py` runs in its own virtual environment (made on first use
under `.bench/venv-llamaindex` from the peers' lock file; `--peer-python` names another), then
`ragloom eval beir --split test --json` runs on the embedded profile in a fresh RAGLOOM_HOME, one after
the other so neither slows the other. Prints the core count, the commit and ragloom's settings, then
one table: documents per second while indexing, nDCG@10, recall@100 and query p50 / p95, and the
ratio of ragloom's documents per second to LlamaIndex's.

ragloom's indexing time runs from its first upload until every document is ready and the index is
optimized (the upload, ingest and optimize phases); LlamaIndex's is its pipeline run plus its BM25
build, model loading excluded on both sides.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.provenance import ROOT, commit

PEERS = ROOT.parent / "shared" / "peers"
DATA = ROOT.parent / "shared" / "data" / "scifact"
PEER_VENV = ROOT / ".bench" / "venv-llamaindex"
SAVED = ROOT / ".bench"  # each run's raw output is kept here
INDEXING_PHASES = ("upload", "ingest", "optimize")


def peer_python(given: str | None) -> str:
    """The interpreter of the LlamaIndex environment, made from the peers' lock file if missing."""
    if given:
        return given
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        print(f"making {PEER_VENV} (about 2 minutes) ...", file=sys.stderr, flush=True)
        venv.create(PEER_VENV, with_pip=True)
        pip = [str(python), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "torch==2.13.0"], check=True)
        subprocess.run([*pip, "-r", str(PEERS / "requirements-llamaindex.lock.txt")], check=True)
    return str(python)


def last_json(output: str) -> dict[str, Any]:
    lines = [line for line in output.strip().splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"no JSON result in:\n{output[-2000:]}")
    return json.loads(lines[-1])


def run_llamaindex(python: str, data: Path, max_docs: int) -> dict[str, Any]:
    command = [python, str(PEERS / "llamaindex_scifact.py"), str(data)]
    if max_docs:
        command += ["--max-docs", str(max_docs)]
    ran = subprocess.run(command, capture_output=True, text=True)
    if ran.returncode != 0:
        raise SystemExit(f"LlamaIndex failed:\n{ran.stderr[-3000:]}")
    SAVED.joinpath("llamaindex.json").write_text(ran.stdout)
    result = last_json(ran.stdout)
    details = result["details"]
    return {
        "system": "LlamaIndex hybrid",
        "documents": details["n_docs"],
        "index_s": details["index_seconds"],
        "docs_per_s": result["index_docs_per_s"],
        "ndcg@10": result["ndcg@10"],
        "recall@100": result["recall@100"],
        "p50": result["query_ms_p50"],
        "p95": result["query_ms_p95"],
    }


def run_ragloom(data: Path, max_docs: int, pii: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ragloom-peers-") as home:
        command = [
            str(ROOT / ".venv" / "bin" / "ragloom"),
            "eval",
            "beir",
            str(data),
            "--split",
            "test",
            "--json",
        ]
        if max_docs:  # --limit keeps a split's first N judged queries and a corpus of about 11 x N documents
            command += ["--limit", str(max(1, max_docs // 11))]
        env = {**os.environ, "RAGLOOM_HOME": home}
        if pii:
            env["RAGLOOM_ADAPTERS__PII_SCRUBBER"] = pii
        ran = subprocess.run(command, capture_output=True, text=True, env=env)
    if ran.returncode != 0:
        raise SystemExit(f"ragloom failed:\n{ran.stderr[-3000:]}")
    SAVED.joinpath("ragloom.json").write_text(ran.stdout)
    body = last_json(ran.stdout)
    test = body.get("test", body)  # one split: the split's figures themselves
    phases = test["phases_s"]
    index_s = sum(phases.get(name, 0.0) for name in INDEXING_PHASES)
    return {
        "system": f"ragloom {test['default_mode']}" + (f" ({pii} scrubber)" if pii else ""),
        "documents": test["documents"],
        "index_s": round(index_s, 1),
        "docs_per_s": round(test["documents"] / index_s, 1),
        "ndcg@10": test["ndcg@10"],
        "recall@100": test["recall@100"],
        "p50": test["latency_ms"]["p50"],
        "p95": test["latency_ms"]["p95"],
        "phases": phases,
        "failed_documents": test["failed_documents"],
    }


def ragloom_settings(pii: str | None) -> str:
    """The settings `eval beir` runs with, as the configuration reference names them."""
    code = (
        "from ragloom.entrypoints.settings import load_settings; import json; s = load_settings(); "
        "print(json.dumps({'adapters': s.adapters, 'embedder': s.plugins.get('text_embedder'), "
        "'chunking': s.chunking.model_dump(), 'ingest': s.ingest.model_dump(mode='json')}))"
    )
    with tempfile.TemporaryDirectory() as home:
        ran = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "-c", code],
            capture_output=True,
            text=True,
            env={**os.environ, "RAGLOOM_HOME": home}
            | ({"RAGLOOM_ADAPTERS__PII_SCRUBBER": pii} if pii else {}),
        )
    return ran.stdout.strip() or ran.stderr.strip()[-500:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="a BEIR folder (default: SciFact)")
    parser.add_argument("--max-docs", type=int, default=0, help="a smaller corpus, for a quick look only")
    parser.add_argument("--peer-python", help="the Python of an existing LlamaIndex environment")
    parser.add_argument("--skip-peer", action="store_true", help="run ragloom only")
    parser.add_argument("--pii", help="ragloom's pii_scrubber adapter instead of its default (e.g. regex)")
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, commit {commit()}, data {args.data}")
    print(f"ragloom settings: {ragloom_settings(args.pii)}\n", flush=True)
    SAVED.mkdir(exist_ok=True)
    rows = []
    if not args.skip_peer:
        rows.append(run_llamaindex(peer_python(args.peer_python), args.data, args.max_docs))
    rows.append(run_ragloom(args.data, args.max_docs, args.pii))
    print("| system | documents | indexing s | docs/s | nDCG@10 | recall@100 | query p50 ms | query p95 ms |")
    print("| --- " * 8 + "|")
    for row in rows:
        print(
            f"| {row['system']} | {row['documents']:,} | {row['index_s']:.1f} | {row['docs_per_s']:.1f} | "
            f"{row['ndcg@10']:.4f} | {row['recall@100']:.4f} | {row['p50']:.1f} | {row['p95']:.1f} |"
        )
    ours = rows[-1]
    print(f"\nragloom phases (s): {ours['phases']}; failed documents: {ours['failed_documents']}")
    if len(rows) == 2:
        print(f"ragloom / LlamaIndex documents per second: {ours['docs_per_s'] / rows[0]['docs_per_s']:.2f}")


if __name__ == "__main__":
    main()
