"""The `ragloom` command as a user runs it, with a temporary RAGLOOM_HOME.

Most commands run in this process through the CLI's own entry point (typer's test runner), which is
several times faster than a process per command; a few tests run `python -m ragloom.entrypoints.cli`
as a real process, so the installed entry point and a served instance are exercised too.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from ragloom.entrypoints.cli import app
from tests.helpers.server import running_server

ROOT = Path(__file__).resolve().parents[2]
RAGLOOM = [sys.executable, "-m", "ragloom.entrypoints.cli"]


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def ragloom(env, *args):
    """Run the command in this process with exactly the RAGLOOM_* variables of `env`."""
    variables = dict.fromkeys((k for k in os.environ if k.startswith("RAGLOOM_")), None)
    variables.update({k: v for k, v in env.items() if k.startswith("RAGLOOM_")})
    result = CliRunner().invoke(app, list(args), env=variables, catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr)


def ragloom_process(env, *args, timeout=300):
    """Run the command as its own process, as a user's shell does."""
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
    assert body["no_answer"] is False
    result = ragloom(env, "ask", "--json", "What is the capital of France?")
    body = json.loads(result.stdout)
    assert body["no_answer"] is True and body["citations"] == []


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
        "RAGLOOM_PLUGINS__JOB_QUEUE__REDIS__URL": "redis://:s3cret@h:6379/0",
        "RAGLOOM_ADAPTERS__CHAT_MODEL": "openai",
        "RAGLOOM_PLUGINS__CHAT_MODEL__OPENAI__BASE_URL": "http://127.0.0.1:9/v1",
        "RAGLOOM_PLUGINS__CHAT_MODEL__OPENAI__MODEL": "smollm2",
        "RAGLOOM_PLUGINS__CHAT_MODEL__OPENAI__API_KEY": "sk-s3cret-key",
    }
    result = ragloom(env, "plugins", "--json")
    assert result.returncode == 0, result.stderr
    assert "s3cret" not in result.stdout
    report = json.loads(result.stdout)
    adapters = {(a["port"], a["name"]): a for p in report["plugins"] for a in p["adapters"]}
    assert adapters[("job_queue", "redis")]["settings"]["url"] == "**********"
    assert adapters[("chat_model", "openai")]["settings"]["api_key"] == "**********"
    assert adapters[("chat_model", "openai")]["selected"]
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
    for command in (
        "serve",
        "worker",
        "ingest",
        "ask",
        "plugins",
        "admin",
        "audit",
        "admin create",
        "admin delete",
        "audit verify",
        "audit export",
    ):
        result = ragloom(env, *command.split(), "--help")
        assert result.returncode == 0 and "Usage" in result.stdout
    process = ragloom_process(env, "--help")  # the module entry point itself
    assert process.returncode == 0 and "Usage" in process.stdout


def test_serve_streams_and_other_commands_use_the_running_server(env, tmp_path):
    with running_server(env) as url:
        result = ragloom_process(env, "ingest", str(ROOT / "samples" / "sourdough.txt"))
        assert result.returncode == 0, result.stderr
        key = (Path(env["RAGLOOM_HOME"]) / "default-api-key").read_text().strip()
        with httpx.stream(
            "POST",
            f"{url}/v1/query",
            json={"question": "How long does the loaf bake?"},
            headers={"Authorization": f"Bearer {key}"},
        ) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            events = [line for line in response.iter_lines() if line.startswith("event:")]
        assert events[0] == "event: delta" and events[-1] == "event: done"
        result = ragloom_process(env, "ask", "How often should a starter be fed?")
        assert result.returncode == 0 and "once a day" in result.stdout
        assert "(sourdough.txt)" in result.stdout  # where the citation is: no page or seconds in a text
    assert not (Path(env["RAGLOOM_HOME"]) / "server.json").exists()


# The evaluation data lies beside the checkout; RAGLOOM_TEST_SCIFACT names it for a checkout elsewhere.
SCIFACT = Path(os.environ.get("RAGLOOM_TEST_SCIFACT", ROOT.parent / "shared" / "data" / "scifact"))


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


@pytest.mark.skipif(
    not SCIFACT.is_dir() and os.environ.get("CI") != "true", reason="SciFact data not present"
)
def test_eval_answerability_on_a_small_scifact_subset(env):
    result = ragloom(
        env, "eval", "answerability", str(SCIFACT), "--split", "train,test", "--limit", "8", "--json"
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["threshold_chosen_on"]["split"] == "train"
    for split in ("train", "test"):
        report = body[split]
        assert report["unanswerable"] == 4 and report["answerable"] + report["excluded"] == 4
        curve = report["curve"]
        assert [point["threshold"] for point in curve] == sorted(point["threshold"] for point in curve)
        abstained = [point["abstained"] for point in curve]
        assert abstained == sorted(abstained)  # a higher threshold never abstains less
        assert 0 <= report["at_configured"]["abstained"] <= 1


def _json(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def light_env(env):
    """The embedded profile with the hashing embedder: every command starts in about a second. Its
    similarities are not calibrated, so it never abstains."""
    return {**env, "RAGLOOM_ADAPTERS__TEXT_EMBEDDER": "hashing", "RAGLOOM_ANSWERS__MIN_SIMILARITY": "0"}


def test_admin_commands_onboard_and_retire_a_tenant_in_process(light_env, tmp_path):
    env = light_env
    created = _json(ragloom(env, "admin", "create", "Acme", "--max-documents", "5", "--json"))
    tenant, key = created["id"], created["api_key"]
    assert created["status"] == "active" and created["max_documents"] == 5
    document = tmp_path / "acme.txt"
    document.write_text("Acme ships anvils by rail.")
    result = ragloom(env, "ingest", str(document), "--api-key", key)
    assert result.returncode == 0, result.stderr
    answer = _json(ragloom({**env, "RAGLOOM_API_KEY": key}, "ask", "--json", "How does Acme ship anvils?"))
    assert "rail" in answer["answer"]
    default_answer = _json(ragloom(env, "ask", "--json", "How does Acme ship anvils?"))
    assert "rail" not in default_answer["answer"]  # the default tenant cannot see Acme's document

    listed = ragloom(env, "admin", "list")
    assert listed.returncode == 0 and "Acme" in listed.stdout and "default" in listed.stdout
    assert _json(ragloom(env, "admin", "show", tenant, "--json"))["usage"]["documents"] == 1
    limits = _json(
        ragloom(
            env, "admin", "set-limits", tenant, "--max-documents", "default", "--max-bytes", "9", "--json"
        )
    )
    assert (limits["max_documents"], limits["max_bytes"]) == (None, 9)
    bad = ragloom(env, "admin", "set-limits", tenant, "--max-bytes", "-3")
    assert bad.returncode == 2 and "whole number" in bad.stderr
    assert _json(ragloom(env, "admin", "suspend", tenant, "--json"))["status"] == "suspended"
    refused = ragloom(env, "ask", "x", "--api-key", key)
    assert refused.returncode == 2 and "suspended" in refused.stderr
    assert _json(ragloom(env, "admin", "resume", tenant, "--json"))["status"] == "active"
    issued = ragloom(env, "admin", "issue-key", tenant)
    assert issued.returncode == 0 and issued.stdout.strip().startswith("rlk_")
    assert "\n" not in issued.stdout.strip()  # the key alone, for KEY=$(ragloom admin issue-key ...)
    key_id = key.split(".")[0]
    assert _json(ragloom(env, "admin", "revoke-key", tenant, key_id, "--json"))["revoked_at"]
    revoked = ragloom(env, "ask", "x", "--api-key", key)
    assert revoked.returncode == 2 and "--api-key" in revoked.stderr
    receipt = _json(ragloom(env, "admin", "delete", tenant, "--yes", "--json"))
    assert receipt["removed"]["documents_rows"] == 1 and receipt["removed"]["blobs"] == 1
    missing = ragloom(env, "admin", "show", "no-such-tenant")
    assert missing.returncode == 2 and "not found" in missing.stderr

    verified = ragloom(env, "audit", "verify", "--tenant", tenant)
    assert verified.returncode == 0 and "ok" in verified.stdout
    exported = tmp_path / "audit.jsonl"
    assert ragloom(env, "audit", "export", "--tenant", tenant, "-o", str(exported)).returncode == 0
    actions = [json.loads(line)["action"] for line in exported.read_text().splitlines()]
    assert actions[0] == "tenant.create" and actions[-1] == "tenant.delete" and "query.answer" in actions


def test_audit_verify_names_the_first_tampered_record(light_env):
    import sqlite3

    env = light_env
    created = _json(ragloom(env, "admin", "create", "Tampered", "--json"))
    for _ in range(3):
        assert ragloom(env, "admin", "issue-key", created["id"]).returncode == 0
    anchor = Path(env["RAGLOOM_HOME"]).parent / "audit-anchor.json"  # kept away from the database
    verdict = _json(ragloom(env, "audit", "verify", "--json", "--anchor", str(anchor)))
    assert verdict["ok"] and {c["chain"] for c in verdict["chains"]} >= {created["id"], "default"}
    assert json.loads(anchor.read_text())["chains"][created["id"]]["seq"] == 4

    database = Path(env["RAGLOOM_HOME"]) / "ragloom.sqlite3"
    with sqlite3.connect(database) as connection:
        triggers = [r[0] for r in connection.execute("select name from sqlite_master where type='trigger'")]
        refused = None
        try:
            connection.execute("update audit_records set actor = 'someone else'")
        except sqlite3.DatabaseError as error:
            refused = str(error)
        assert refused and "append-only" in refused
        for trigger in triggers:  # an attacker with the file in hand
            connection.execute(f"drop trigger {trigger}")
        connection.execute(
            "update audit_records set target = 'rlk_000000000000' where chain = ? and seq = 3",
            (created["id"],),
        )
    result = ragloom(env, "audit", "verify")
    assert result.returncode == 1
    assert f"BROKEN {created['id']}: record seq 3" in result.stdout and "altered" in result.stdout
    assert ragloom(env, "audit", "verify", "--tenant", "default").returncode == 0

    with sqlite3.connect(database) as connection:  # remove the default chain's newest (and only) record
        connection.execute("delete from audit_records where chain = 'default'")
    assert (
        ragloom(env, "audit", "verify", "--tenant", "default").returncode == 0
    )  # the chain alone can't tell
    truncated = ragloom(env, "audit", "verify", "--tenant", "default", "--anchor", str(anchor))
    assert truncated.returncode == 1 and "newest records were removed" in truncated.stdout


def test_admin_against_a_running_server_needs_the_admin_credentials(light_env):
    env = light_env
    admin_env = {**env, "RAGLOOM_ADMIN_USER": "root", "RAGLOOM_ADMIN_PASSWORD": "pw-for-the-test"}
    with running_server(admin_env) as url:
        result = ragloom(env, "admin", "list")
        assert result.returncode == 2 and "RAGLOOM_ADMIN_USER" in result.stderr
        wrong = ragloom(
            {**env, "RAGLOOM_ADMIN_USER": "root", "RAGLOOM_ADMIN_PASSWORD": "nope"}, "admin", "list"
        )
        assert wrong.returncode == 2 and "administrator credentials" in wrong.stderr
        created = _json(ragloom(admin_env, "admin", "create", "Served", "--json"))
        response = httpx.get(f"{url}/auth/verify", headers={"Authorization": f"Bearer {created['api_key']}"})
        assert response.status_code == 200 and response.headers["x-tenant-id"] == created["id"]
