"""Metrics (Prometheus), traces (OpenTelemetry) and structured logs for one process.

`Observability` is the core's telemetry observer: the use cases' spans become OpenTelemetry spans
(exported over OTLP when `telemetry.otlp_endpoint` is set, dropped otherwise) and their counts become
Prometheus metrics, served with the HTTP metrics at GET /metrics. JSON logs carry the request id and
the tenant id of the request they were written in; the use cases never log personal data.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from pythonjsonlogger.json import JsonFormatter

from ragloom.core import telemetry
from ragloom.core.models import Modality

from .settings import TelemetrySettings

REQUEST_ID: ContextVar[str | None] = ContextVar("ragloom_request_id", default=None)
TENANT_ID: ContextVar[str | None] = ContextVar("ragloom_tenant_id", default=None)

HTTP_SECONDS = Histogram(
    "ragloom_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response (streams included), by route.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
QUEUE_DEPTH = Gauge("ragloom_queue_depth", "Ingestion jobs queued or running, per modality.", ["modality"])
INGESTIONS = Counter(
    "ragloom_ingestions", "Documents ingested, by modality and outcome.", ["modality", "outcome"]
)
JOBS = Counter("ragloom_jobs", "Jobs a worker ran, by kind and outcome (done, error).", ["kind", "outcome"])
JOB_SECONDS = Histogram(
    "ragloom_job_seconds",
    "Time a worker spent on a job, by kind.",
    ["kind"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600),
)
CACHE_LOOKUPS = Counter("ragloom_cache_lookups", "Semantic cache lookups, by result.", ["result"])
LLM_TOKENS = Counter("ragloom_llm_tokens", "Tokens the chat model read and wrote.", ["model", "kind"])
LLM_SECONDS = Histogram(
    "ragloom_llm_seconds",
    "Time the chat model took to answer, from the request to its last token.",
    ["model"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60),
)
_COUNTS: dict[str, Any] = {
    telemetry.INGESTION: INGESTIONS,
    telemetry.CACHE_LOOKUP: CACHE_LOOKUPS,
    telemetry.LLM_TOKENS: LLM_TOKENS,
}
_tracing_installed = False


class Observability:
    """The telemetry observer of this process: spans to OpenTelemetry, counts to Prometheus."""

    def __init__(self, tracer: trace.Tracer) -> None:
        self._tracer = tracer

    @contextlib.contextmanager
    def span(
        self, name: str, attributes: Mapping[str, telemetry.Attribute], *, current: bool = True
    ) -> Iterator[None]:
        if current:
            with self._tracer.start_as_current_span(name, attributes=dict(attributes)):
                yield
            return
        detached = self._tracer.start_span(name, attributes=dict(attributes))
        try:
            yield
        except BaseException as error:
            detached.record_exception(error)
            detached.set_status(trace.StatusCode.ERROR)
            raise
        finally:
            detached.end()

    def record(self, metric: str, value: float, labels: Mapping[str, str]) -> None:
        if metric == telemetry.LLM_SECONDS:
            LLM_SECONDS.labels(**labels).observe(value)
        elif metric in _COUNTS:
            _COUNTS[metric].labels(**labels).inc(value)


def install_observability(settings: TelemetrySettings) -> Observability:
    """Configure tracing for this process and route the core's telemetry here (logging is the
    process's own: `configure_logging`, called by the commands that run a service)."""
    global _tracing_installed
    if settings.otlp_endpoint and not _tracing_installed:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider = TracerProvider(resource=Resource.create({"service.name": settings.service_name}))
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otlp_endpoint)))
        trace.set_tracer_provider(provider)
        _tracing_installed = True
    observer = Observability(trace.get_tracer("ragloom"))
    telemetry.install(observer)
    return observer


async def metrics_text(queue: Any | None) -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, with the queue depth read now (when a queue is open)."""
    if queue is not None:
        for modality in Modality:
            try:
                QUEUE_DEPTH.labels(modality=modality.value).set(await queue.depth(modality))
            except Exception:  # a broker that is down leaves the last value; /readyz says why
                logging.getLogger(__name__).warning("could not read the %s queue's depth", modality.value)
    return generate_latest(), CONTENT_TYPE_LATEST


class _RequestContext(logging.Filter):
    """Adds the request id and the tenant id of the current request to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        record.tenant_id = TENANT_ID.get()
        return True


def configure_logging(log_format: str, level: str) -> None:
    """Root logging to stderr: JSON lines (`json`) or plain text, each with the request's ids."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RequestContext())
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "{asctime}{levelname}{name}{message}{request_id}{tenant_id}",
                style="{",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in [h for h in root.handlers if getattr(h, "_ragloom", False)]:
        root.removeHandler(existing)
    handler._ragloom = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
