"""The `ragloom` command."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ragloom.contracts.errors import ConfigError, PluginError
from ragloom.core.errors import RagloomError

from . import commands
from .settings import load_settings

app = typer.Typer(help="ragloom: multi-tenant RAG over your documents.", no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="YAML config file (or RAGLOOM_CONFIG)")
]
UrlOption = Annotated[
    str | None,
    typer.Option("--url", help="a running ragloom server (default: the one on RAGLOOM_HOME, if any)"),
]


def _run(coro) -> int:
    try:
        return asyncio.run(coro) or 0
    except (ConfigError, PluginError) as error:
        err.print(f"[red]configuration error:[/red] {error}")
        return 2
    except RagloomError as error:
        err.print(f"[red]error:[/red] {error.message}")
        return 2
    except KeyboardInterrupt:
        return 130


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to bind (default from config: 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="port to bind (default from config: 8080)")] = None,
    config: ConfigOption = None,
) -> None:
    """Serve the HTTP API (and, on the embedded profile, run ingestion in-process)."""
    raise typer.Exit(_run(commands.serve(load_settings(config), host, port)))


@app.command()
def worker(
    modality: Annotated[str, typer.Option(help="the queue to consume: text, audio, image or video")] = "text",
    config: ConfigOption = None,
) -> None:
    """Consume ingestion jobs of one modality from the Redis queue."""
    raise typer.Exit(_run(commands.worker(load_settings(config), modality)))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files or folders (searched recursively)")],
    wait: Annotated[bool, typer.Option(help="wait until each document is ready or failed")] = True,
    timeout: Annotated[float, typer.Option(help="seconds to wait for ingestion")] = 3600,
    url: UrlOption = None,
    config: ConfigOption = None,
) -> None:
    """Upload documents and wait for them; exit code 1 if any failed."""
    raise typer.Exit(_run(commands.ingest(load_settings(config), paths, wait, timeout, url)))


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="the question")],
    as_json: Annotated[
        bool, typer.Option("--json", help="print one JSON object instead of streaming")
    ] = False,
    url: UrlOption = None,
    config: ConfigOption = None,
) -> None:
    """Ask a question; the answer streams with its citations."""
    raise typer.Exit(_run(commands.ask(load_settings(config), question, as_json, url)))


eval_app = typer.Typer(help="Measure retrieval quality.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("beir")
def eval_beir(
    folder: Annotated[
        Path, typer.Argument(help="a BEIR dataset folder (corpus.jsonl, queries.jsonl, qrels/)")
    ],
    split: Annotated[str, typer.Option(help="the qrels split: test, train, or several: test,train")] = "test",
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    limit: Annotated[
        int | None, typer.Option(help="first N queries, their judged documents and 10 x N others", min=1)
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Score retrieval on a BEIR dataset: nDCG@10, recall@100, MRR@10 and query latency.

    The corpus goes through the real ingestion pipeline into a fresh tenant, removed afterwards."""
    raise typer.Exit(_run(commands.eval_beir(load_settings(config), folder, split, as_json, limit)))


@app.command()
def plugins(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    config: ConfigOption = None,
) -> None:
    """List plugins, their distributions and versions, and their adapters (secrets redacted)."""
    try:
        settings = load_settings(config)
        report = commands.plugin_report(settings)
    except (ConfigError, PluginError) as error:
        err.print(f"[red]configuration error:[/red] {error}")
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        commands.print_plugin_report(report)


def main() -> None:
    app(prog_name="ragloom")


if __name__ == "__main__":
    sys.exit(main())
