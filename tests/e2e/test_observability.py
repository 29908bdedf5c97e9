"""Metrics at /metrics, a span per ingestion and answer stage, OTLP export from a real server, and
JSON logs that carry the request's ids and never the question."""

from __future__ import annotations

import json
import logging
import os
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families

from ragloom.core import telemetry
from ragloom.entrypoints.observability import Observability, configure_logging
from tests.e2e.conftest import app_client
from tests.e2e.scenario import upload
from tests.helpers.runtime import memory_settings, parse_sse, wait_for_status
from tests.helpers.server import free_port, running_server

LIGHTHOUSE = b"# Brightwater\n\nThe Brightwater lighthouse lamp is visible for 22 nautical miles."


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


async def ask(client, question: str) -> dict:
    response = await client.post("/v1/query", json={"question": question})
    assert response.status_code == 200, response.text
    return parse_sse(response.text)[-1][1]


async def test_metrics_count_requests_ingestions_cache_lookups_and_queue_depth(tmp_path):
    settings = memory_settings(tmp_path, adapters={"semantic_cache": "memory"})
    async with app_client(settings) as client:
        before = samples((await client.get("/metrics")).text)
        created = await upload(client, "lighthouse.md", LIGHTHOUSE)
        assert (await wait_for_status(client, created.json()["id"]))["status"] == "ready"
        await ask(client, "How far is the Brightwater lamp visible?")
        assert (await ask(client, "How far is the Brightwater lamp visible?"))["cached"] is True
        await client.get(f"/v1/documents/{created.json()['id']}")
        response = await client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    after = samples(response.text)
    for name, labels, grew_by in [
        ("ragloom_ingestions_total", {"modality": "text", "outcome": "ready"}, 1),
        ("ragloom_jobs_total", {"kind": "ingest", "outcome": "done"}, 1),  # run by Taskiq, in process
        ("ragloom_job_seconds_count", {"kind": "ingest"}, 1),
        ("ragloom_cache_lookups_total", {"result": "miss"}, 1),
        ("ragloom_cache_lookups_total", {"result": "hit"}, 1),
        ("ragloom_llm_seconds_count", {"model": "extractive"}, 1),
        (
            "ragloom_http_request_duration_seconds_count",
            {"route": "/v1/query", "method": "POST", "status": "200"},
            2,
        ),
    ]:
        assert value(after, name, **labels) - value(before, name, **labels) == grew_by, (name, labels)
    by_id = {"route": "/v1/documents/{document_id}", "method": "GET", "status": "200"}
    assert value(after, "ragloom_http_request_duration_seconds_count", **by_id) > value(
        before, "ragloom_http_request_duration_seconds_count", **by_id
    )  # the status polls, under the route's template
    assert value(after, "ragloom_queue_depth", modality="text") == 0  # read at scrape time
    routes = {dict(labels).get("route", "") for _, labels in after}
    assert not any(created.json()["id"] in route for route in routes)  # templates, never ids


async def test_each_ingestion_and_answer_stage_is_a_span(tmp_path):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    settings = memory_settings(tmp_path)
    try:
        async with app_client(settings) as client:
            telemetry.install(Observability(provider.get_tracer("test")))
            created = await upload(client, "lighthouse.md", LIGHTHOUSE)
            assert (await wait_for_status(client, created.json()["id"]))["status"] == "ready"
            await ask(client, "How far is the Brightwater lamp visible?")
    finally:
        telemetry.install(None)
    spans = {span.name: span for span in exporter.get_finished_spans()}
    ingest = spans["ingest"]
    assert (
        ingest.attributes["document_id"] == created.json()["id"] and ingest.attributes["modality"] == "text"
    )
    for stage in ("ingest.extract", "ingest.scrub", "ingest.embed", "ingest.index"):
        assert spans[stage].parent.span_id == ingest.context.span_id, stage
    assert spans["ingest.embed"].attributes["chunks"] >= 1
    for stage in ("answer.cache", "answer.retrieve", "answer.generate"):
        assert stage in spans
    assert spans["answer.generate"].attributes["model"] == "extractive"
    assert all("Brightwater" not in str(dict(span.attributes or {})) for span in spans.values())


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        _Collector.received.append((self.path, self.headers["content-type"], body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


def test_a_server_exports_its_traces_over_otlp_when_configured(tmp_path):
    collector = HTTPServer(("127.0.0.1", free_port()), _Collector)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")}
    env |= {
        "RAGLOOM_HOME": str(tmp_path / "home"),
        "RAGLOOM_ADAPTERS__PII_SCRUBBER": "regex",
        "RAGLOOM_TELEMETRY__OTLP_ENDPOINT": f"http://127.0.0.1:{collector.server_port}/v1/traces",
        "RAGLOOM_TELEMETRY__SERVICE_NAME": "ragloom-under-test",
    }
    try:
        with running_server(env) as url:
            key = (Path(env["RAGLOOM_HOME"]) / "default-api-key").read_text().strip()
            answer = httpx.post(
                f"{url}/v1/query",
                json={"question": "What is the lamp's range?"},
                headers={"Authorization": f"Bearer {key}"},
                timeout=60,
            )
            assert answer.status_code == 200
        # the server flushed its spans as it stopped
        exported = b"".join(body for path, kind, body in _Collector.received if path == "/v1/traces")
        assert {kind for _, kind, _ in _Collector.received} == {"application/x-protobuf"}
        for expected in (b"ragloom-under-test", b"answer.retrieve", b"POST /v1/query"):
            assert expected in exported, expected
    finally:
        collector.shutdown()


async def test_json_logs_carry_the_request_and_tenant_ids_and_never_the_question(tmp_path, capsys):
    root = logging.getLogger()
    level = root.level
    configure_logging("json", "info")
    try:
        settings = memory_settings(tmp_path)
        async with app_client(settings) as client:
            response = await client.get("/v1/documents/00000000-0000-0000-0000-000000000000")
            await client.post("/v1/query", json={"question": "Is jane.doe@example.com on the list?"})
            request_id = response.headers["x-request-id"]
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    finally:
        for handler in [h for h in root.handlers if getattr(h, "_ragloom", False)]:
            root.removeHandler(handler)
        root.setLevel(level)
    assert lines and all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    assert all("jane.doe@example.com" not in json.dumps(line) for line in lines)
    assert request_id  # the id a log line written in that request would carry


def test_a_log_record_written_in_a_request_names_it(capsys):
    from ragloom.entrypoints.observability import REQUEST_ID, TENANT_ID

    root = logging.getLogger()
    level = root.level
    configure_logging("json", "info")
    try:
        request, tenant = REQUEST_ID.set("5f1c0a8e"), TENANT_ID.set("acme")
        logging.getLogger("ragloom.core.services.ingest").warning("document %s failed", "d-1")
        REQUEST_ID.reset(request)
        TENANT_ID.reset(tenant)
        logging.getLogger("ragloom").warning("between requests")
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    finally:
        for handler in [h for h in root.handlers if getattr(h, "_ragloom", False)]:
            root.removeHandler(handler)
        root.setLevel(level)
    assert lines[0] | {"time": None} == {
        "time": None,
        "level": "WARNING",
        "logger": "ragloom.core.services.ingest",
        "message": "document d-1 failed",
        "request_id": "5f1c0a8e",
        "tenant_id": "acme",
    }
    assert lines[1]["request_id"] is None and lines[1]["tenant_id"] is None
