"""The `ragloom` command as a user runs it: real processes, a temporary RAGLOOM_HOME."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.helpers.server import running_server

ROOT = Path(__file__).resolve().parents[2]
RAGLOOM = [sys.executable, "-m", "ragloom.entrypoints.cli"]


@pytest.fixture
def env(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")}
    environment["RAGLOOM_HOME"] = str(tmp_path / "home")
    return environment


def ragloom(env, *args, timeout=300):
    return subprocess.run([*RAGLOOM, *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_ingest_then_ask_json_with_citations(env, tmp_path):
    result = ragloom(env, "ingest", str(ROOT / "samples"))
    assert result.returncode == 0, result.stderr
    assert "3 of 3 documents ingested" in result.stderr
    result = ragloom(env, "ask", "--json", "How far away can the Brightwater light be seen?")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert "22 nautical miles" in body["answer"]
    citation = body["citations"][0]
    assert citation["title"] == "The Brightwater Lighthouse"
    assert citation["source"] == "brightwater-lighthouse.md"
    assert {"document_id", "title", "source", "score"} <= set(citation)


def test_ingest_exits_non_zero_when_a_document_fails(env, tmp_path):
    folder = tmp_path / "docs"
    (folder / "nested").mkdir(parents=True)
    (folder / "nested" / "good.txt").write_text("Hedgehogs eat beetles and worms.")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    (folder / "ignored.bin").write_bytes(b"\x00\x01")
    result = ragloom(env, "ingest", str(folder))
    assert result.returncode == 1
    assert "broken.pdf" in result.stderr and "1 of 2 documents ingested" in result.stderr
    result = ragloom(env, "ingest", str(tmp_path / "missing"))
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_plugins_lists_adapters_with_secrets_redacted(env):
    env = {
        **env,
        "RAGLOOM_ADAPTERS__JOB_QUEUE": "redis",
        "RAGLOOM_PLUGINS__REDIS__URL": "redis://:s3cret@h:6379/0",
    }
    result = ragloom(env, "plugins", "--json")
    assert result.returncode == 0, result.stderr
    assert "s3cret" not in result.stdout
    report = json.loads(result.stdout)
    adapters = {(a["port"], a["name"]): a for p in report["plugins"] for a in p["adapters"]}
    assert adapters[("job_queue", "redis")]["settings"]["url"] == "**********"
    assert adapters[("vector_index", "qdrant_edge")]["selected"]
    table = ragloom(env, "plugins")
    assert table.returncode == 0 and "qdrant_edge" in table.stdout


def test_configuration_errors_are_clear(env):
    result = ragloom({**env, "RAGLOOM_ADAPTERS__VECTOR_INDEX": "faiss"}, "ask", "x")
    assert result.returncode == 2
    assert (
        "adapters.vector_index: unknown adapter 'faiss'; valid choices: memory, qdrant, qdrant_edge"
        in result.stderr
    )
    result = ragloom(env, "worker")
    assert result.returncode == 2 and "select `redis`" in result.stderr


def test_every_command_has_help(env):
    for command in ("serve", "worker", "ingest", "ask", "plugins"):
        result = ragloom(env, command, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout


def test_serve_streams_and_other_commands_use_the_running_server(env, tmp_path):
    with running_server(env) as url:
        result = ragloom(env, "ingest", str(ROOT / "samples" / "sourdough.txt"))
        assert result.returncode == 0, result.stderr
        with httpx.stream(
            "POST", f"{url}/v1/query", json={"question": "How long does the loaf bake?"}
        ) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            events = [line for line in response.iter_lines() if line.startswith("event:")]
        assert events[0] == "event: delta" and events[-1] == "event: done"
        result = ragloom(env, "ask", "How often should a starter be fed?")
        assert result.returncode == 0 and "once a day" in result.stdout
    assert not (Path(env["RAGLOOM_HOME"]) / "server.json").exists()


SCIFACT = ROOT.parent / "shared" / "data" / "scifact"


@pytest.mark.skipif(
    not SCIFACT.is_dir() and os.environ.get("CI") != "true", reason="SciFact data not present"
)
def test_eval_beir_on_a_small_scifact_subset(env):
    result = ragloom(env, "eval", "beir", str(SCIFACT), "--split", "train", "--limit", "5", "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert set(body) >= {"ndcg@10", "recall@100", "mrr@10", "latency_ms", "documents", "queries"}
    assert body["queries"] == 5 and body["documents"] >= 50
    assert 0.3 < body["ndcg@10"] <= 1.0 and body["latency_ms"]["p50"] > 0
    result = ragloom(env, "eval", "beir", str(SCIFACT), "--split", "nope")
    assert result.returncode == 2 and "unknown split" in result.stderr
