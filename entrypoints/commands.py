"""What the CLI commands do (cli.py only parses arguments)."""

from __future__ import annotations

import contextlib
import faulthandler
import fcntl
import json
import mimetypes
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import httpx
from pydantic import BaseModel, SecretStr
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ragloom.contracts.spec import Port
from ragloom.core.errors import InvalidInput, ProviderUnavailable, StoreInUse
from ragloom.core.media import KNOWN_SUFFIXES
from ragloom.plugins import load_registry

from .bootstrap import open_runtime, select_adapters
from .client import LOCAL_BASE_URL, forget_server, open_client, record_server, show_new_key
from .console import citation_place, err, out
from .following import Following, Polling
from .lifecycle import default_key_file
from .observability import configure_logging
from .settings import Settings, load_settings


async def serve(settings: Settings, host: str | None, port: int | None) -> int:
    from hypercorn.asyncio import serve as hypercorn_serve
    from hypercorn.config import Config

    from .http.app import create_app

    config = Config()
    bind_host = host or settings.http.host
    bind_port = settings.http.port if port is None else port
    config.bind = [f"{bind_host}:{bind_port}"]
    config.accesslog = "-"
    config.graceful_timeout = 10
    # A connection that is slow to send its headers (no request has started, so hypercorn counts it
    # as idle) is closed after keep_alive_timeout; one silent in the middle of a request after
    # read_timeout. An upload's own pace is the app's to judge (http.upload_*), with a 408.
    config.keep_alive_timeout = settings.http.header_timeout_seconds
    config.read_timeout = settings.http.read_timeout_seconds
    url = f"http://{bind_host}:{bind_port}"

    def ready() -> None:
        record_server(settings, url)
        question = json.dumps({"question": "How far can the Brightwater light be seen?"})
        err.print(
            f"ragloom is ready ({settings.profile} profile, home {settings.home}): send requests to {url}"
        )
        key_file = default_key_file(settings)
        auth = f'-H "Authorization: Bearer $(cat {key_file})" ' if key_file.exists() else ""
        err.print(f"  try: curl -N {url}/v1/query {auth}-H 'content-type: application/json' -d '{question}'")

    configure_logging(settings.telemetry.log_format, settings.telemetry.log_level)
    faulthandler.enable()  # a fatal signal still leaves a traceback on stderr
    with home_lock(settings):
        err.print(f"ragloom is starting on {url} ...")
        app = create_app(settings, on_ready=ready, on_new_key=lambda o: show_new_key(settings, o))
        try:
            await hypercorn_serve(cast(Any, app), config)  # Starlette is an ASGI app; the stubs disagree
        finally:
            forget_server(settings)
    return 0


@contextmanager
def home_lock(settings: Settings) -> Iterator[None]:
    """One `ragloom serve` per RAGLOOM_HOME on the embedded profile (its stores are single-process):
    a second one stops at once with a clear message instead of failing inside the stores."""
    if settings.profile != "embedded":
        yield
        return
    path = Path(settings.home) / "serve.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise StoreInUse(
                f"another `ragloom serve` (pid {holder}) already serves {settings.home}: stop it, or set "
                "RAGLOOM_HOME to another folder"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield


def collect_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in KNOWN_SUFFIXES)
            )
        elif path.is_file():
            files.append(path)
        else:
            raise InvalidInput(f"{path} does not exist")
    return files


def error_message(response: httpx.Response) -> str:
    """The API's error message (with a hint on a 401 from /v1), or the bare status."""
    try:
        message = response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        message = f"HTTP {response.status_code}"
    if response.status_code == 401 and response.request.url.path.startswith("/v1"):
        message += " (pass --api-key or set RAGLOOM_API_KEY)"
    return message


async def _upload(client: httpx.AsyncClient, path: Path) -> tuple[str | None, str]:
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    response = await client.post("/v1/documents", files={"file": (path.name, path.read_bytes(), media_type)})
    if response.status_code in (200, 201):
        return response.json()["id"], response.json()["status"]
    return None, error_message(response)


async def ingest(
    settings: Settings, paths: list[Path], wait: bool, timeout: float, url: str | None, key: str | None
) -> int:
    """Upload the files; with `wait`, follow them (and an e-mail's attachments) until each is ready
    or failed, or `timeout` passes."""
    files = collect_files(paths)
    if not files:
        err.print("no documents found")
        return 1
    failed: list[str] = []
    async with open_client(settings, url, key=key) as client:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=False) as progress:
            in_process = str(client.base_url).rstrip("/") == LOCAL_BASE_URL
            settling = (Polling if in_process else Following)(client, progress, len(files))
            if wait:
                await settling.start()
            uploading = progress.add_task("uploading", total=len(files))
            for path in files:
                document_id, status = await _upload(client, path)
                if document_id is None:
                    failed.append(f"{path}: {status}")
                elif status == "failed":
                    failed.append(f"{path}: failed earlier (delete it to retry)")
                if document_id is None or status in ("ready", "failed"):
                    settling.skip()
                else:
                    settling.watch(document_id, str(path))
                progress.advance(uploading)
            if wait:
                failed += await settling.until_settled(timeout)
    for line in failed:
        err.print(f"[red]failed[/red] {line}")
    total = len(files) + settling.attached
    shown = f" ({settling.attached} of them attached to e-mails)" if settling.attached else ""
    err.print(f"{total - len(failed)} of {total} documents ingested{shown}")
    return 1 if failed else 0


def _parse_sse(lines: list[str]) -> tuple[str, dict[str, Any]]:
    event = next((line[6:].strip() for line in lines if line.startswith("event:")), "message")
    data = "\n".join(line[5:].strip() for line in lines if line.startswith("data:"))
    return event, json.loads(data or "{}")


async def ask(settings: Settings, question: str, as_json: bool, url: str | None, key: str | None) -> int:
    async with (
        open_client(settings, url, key=key) as client,
        client.stream("POST", "/v1/query", json={"question": question}) as response,
    ):
        if response.status_code != 200:
            await response.aread()
            raise InvalidInput(error_message(response))
        buffer: list[str] = []
        async for line in response.aiter_lines():
            if line:
                buffer.append(line)
                continue
            if not buffer:
                continue
            event, data = _parse_sse(buffer)
            buffer = []
            if event == "delta" and not as_json:
                sys.stdout.write(data["text"])
                sys.stdout.flush()
            elif event == "error":
                raise ProviderUnavailable(data["error"]["message"], retryable=False)
            elif event == "done":
                if as_json:
                    print(json.dumps(data, ensure_ascii=False, indent=2))
                else:
                    print()
                    for citation in data["citations"]:
                        out.print(
                            f"  [{citation['marker']}] {citation['title']} ({citation_place(citation)})"
                        )
    return 0


async def eval_answerability(
    settings: Settings, folder: Path, split: str, as_json: bool, limit: int | None, target: float
) -> int:
    from ragloom.evaluation.answerability import evaluate_answerability, report_json
    from ragloom.evaluation.beir import load_beir

    splits = _splits(split)
    data = load_beir(folder, splits, limit)
    with _progress(as_json) as report:
        async with open_runtime(settings) as runtime:
            result = await evaluate_answerability(runtime, data, report)
    body = report_json(result, target)
    if as_json:
        print(json.dumps(body))
        return 0
    chosen = body["threshold_chosen_on"]
    out.print(
        f"{folder.name}: {body['documents']} documents, {body['removed_documents']} removed; "
        f"threshold chosen on {chosen['split']}: {chosen['threshold']:.2f} "
        f"(answers >= {chosen['target_answered']:.0%} of answerable); "
        f"configured: {body['configured_threshold']:.2f}"
    )
    table = Table()
    for column in (
        "split",
        "threshold",
        "unanswerable",
        "abstained",
        "answerable",
        "answered",
        "nDCG@10 answered",
    ):
        table.add_column(column, justify="left" if column == "split" else "right")
    for name in splits:
        figures = body[name]
        for label, at in (("configured", figures["at_configured"]), ("chosen", figures["at_chosen"])):
            threshold = at.get("threshold", body["configured_threshold"])
            table.add_row(
                f"{name} ({label})",
                f"{threshold:.2f}",
                str(figures["unanswerable"]),
                f"{at['abstained']:.1%}",
                str(figures["answerable"]),
                f"{at['answered']:.1%}",
                f"{at['ndcg@10_answered']:.4f}",
            )
    out.print(table)
    curve = Table(title="abstained / answered over the threshold")
    curve.add_column("threshold")
    for name in splits:
        curve.add_column(f"{name} abstained", justify="right")
        curve.add_column(f"{name} answered", justify="right")
    for i, point in enumerate(body[splits[0]]["curve"]):
        if i % 5 == 0:
            row = [f"{point['threshold']:.2f}"]
            for name in splits:
                other = body[name]["curve"][i]
                row += [f"{other['abstained']:.1%}", f"{other['answered']:.1%}"]
            curve.add_row(*row)
    out.print(curve)
    out.print("  ".join(f"{phase} {seconds:.1f} s" for phase, seconds in body["phases_s"].items()))
    return 0


def _splits(split: str) -> list[str]:
    splits = [part.strip() for part in split.split(",") if part.strip()]
    unknown = [s for s in splits if s not in ("test", "train", "dev")]
    if unknown or not splits:
        raise InvalidInput(f"unknown split {','.join(unknown) or split!r}; valid: test, train, dev")
    return splits


@contextmanager
def _progress(quiet: bool) -> Iterator[Any]:
    columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=quiet) as progress:
        tasks: dict[str, Any] = {}

        def report(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(phase, total=total)
            progress.update(tasks[phase], completed=done)

        yield report


async def eval_beir(settings: Settings, folder: Path, split: str, as_json: bool, limit: int | None) -> int:
    from ragloom.evaluation.beir import evaluate, load_beir

    splits = _splits(split)
    data = load_beir(folder, splits, limit)
    with _progress(as_json) as report:
        async with open_runtime(settings) as runtime:
            result = await evaluate(runtime, data, report)
    bodies = {name: result.split_json(name, len(data.splits[name].queries)) for name in splits}
    if as_json:
        print(json.dumps(bodies[splits[0]] if len(splits) == 1 else bodies))
        return 0
    for name, body in bodies.items():
        table = Table(title=f"{folder.name} {name}: {body['documents']} documents, {body['queries']} queries")
        for column in ("search", "nDCG@10", "recall@100", "MRR@10", "p50 ms", "p95 ms"):
            table.add_column(column, justify="left" if column == "search" else "right")
        for mode, figures in body["modes"].items():
            label = f"{mode} (default)" if mode == body["default_mode"] else mode
            table.add_row(
                label,
                *(f"{figures[k]:.4f}" for k in ("ndcg@10", "recall@100", "mrr@10")),
                *(f"{figures['latency_ms'][k]:.1f}" for k in ("p50", "p95")),
            )
        out.print(table)
    out.print("  ".join(f"{phase} {seconds:.1f} s" for phase, seconds in result.phases.items()))
    if result.failed_documents:
        out.print(f"[red]{result.failed_documents} documents failed to ingest[/red]")
    return 0


async def eval_answers(
    config: Path | None, folder: Path, split: str, as_json: bool, home: Path | None
) -> int:
    """Run an answer suite in a fresh home: `home` (an empty or new folder, kept afterwards for a
    look at what was stored), else a temporary folder, removed afterwards."""
    import logging
    import tempfile

    from ragloom.evaluation.answers import LogCapture, run_suite
    from ragloom.evaluation.report import print_answers
    from ragloom.evaluation.suite import load_suite

    splits = _splits(split)
    suite = load_suite(folder)
    if home is not None and home.exists() and any(home.iterdir()):
        raise InvalidInput(f"{home} is not empty: the suite needs a fresh home")
    capture = LogCapture()
    logging.getLogger().addHandler(capture)
    try:
        with contextlib.ExitStack() as stack:
            where = home or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ragloom-eval-")))
            settings = load_settings(config, environ={**os.environ, "RAGLOOM_HOME": str(where)})
            with _progress(as_json) as report:
                async with open_runtime(settings) as runtime:
                    result = await run_suite(runtime, suite, folder, splits, report, capture)
    finally:
        logging.getLogger().removeHandler(capture)
    if as_json:
        print(json.dumps(result.to_json(splits)))
    else:
        print_answers(result, splits, f"{suite.name}: {folder}", out)
    return 0


async def eval_pii(settings: Settings, file: Path, split: str, as_json: bool) -> int:
    """Precision and recall of the configured PII scrubber on labelled sentences."""
    from ragloom.evaluation.pii import evaluate_pii, load_labelled, pii_json
    from ragloom.evaluation.report import print_pii

    splits = _splits(split)
    items = [item for item in load_labelled(file) if item.split in splits]
    async with open_runtime(settings) as runtime:
        scrubber = await runtime.get(Port.PII_SCRUBBER.value)
        if scrubber is None:
            raise InvalidInput("no PII scrubber is configured (adapters.pii_scrubber)")
        body = pii_json(await evaluate_pii(scrubber, items))
    if as_json:
        print(json.dumps(body))
    else:
        print_pii(body, f"{file.name} ({settings.adapters.get('pii_scrubber')})", out)
    return 0


def _redacted(model: BaseModel) -> dict[str, Any]:
    return {
        key: "**********" if isinstance(getattr(model, key), SecretStr) else value
        for key, value in model.model_dump(mode="json").items()
    }


def plugin_report(settings: Settings) -> dict[str, Any]:
    registry = load_registry()
    selected = select_adapters(settings, registry)
    chosen = {(port.value, item.spec.name): item for port, items in selected.items() for item in items}
    plugins = []
    for info in registry.plugins():
        adapters = []
        for spec in info.adapters:
            item = chosen.get((spec.port.value, spec.name))
            adapters.append(
                {
                    "port": spec.port.value,
                    "name": spec.name,
                    "description": spec.description,
                    "selected": item is not None,
                    "settings": _redacted(item.settings) if item is not None else None,
                }
            )
        plugins.append(
            {
                "name": info.name,
                "distribution": info.distribution,
                "version": info.version,
                "adapters": adapters,
            }
        )
    return {"profile": settings.profile, "plugins": plugins}


def print_plugin_report(report: dict[str, Any]) -> None:
    table = Table(title=f"ragloom plugins ({report['profile']} profile)")
    for column in ("plugin", "distribution", "port", "adapter", "selected", "settings"):
        table.add_column(column)
    for plugin in report["plugins"]:
        for adapter in plugin["adapters"]:
            table.add_row(
                plugin["name"],
                f"{plugin['distribution']} {plugin['version']}",
                adapter["port"],
                adapter["name"],
                "yes" if adapter["selected"] else "",
                json.dumps(adapter["settings"]) if adapter["settings"] else "",
            )
    out.print(table)
