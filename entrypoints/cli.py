"""The `ragloom` command."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Annotated

import typer

from ragloom.contracts.errors import ConfigError, PluginError
from ragloom.core.errors import RagloomError

from . import admin_commands, commands
from .console import err
from .settings import load_settings

app = typer.Typer(help="ragloom: multi-tenant RAG over your documents.", no_args_is_help=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="YAML config file (or RAGLOOM_CONFIG)")
]
UrlOption = Annotated[
    str | None,
    typer.Option("--url", help="a running ragloom server (default: the one on RAGLOOM_HOME, if any)"),
]
KeyOption = Annotated[
    str | None,
    typer.Option(
        "--api-key",
        envvar="RAGLOOM_API_KEY",
        help="the tenant's API key (default: the embedded default tenant's, in RAGLOOM_HOME)",
        show_envvar=True,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]


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
    workers: Annotated[
        int, typer.Option(min=0, max=256, help="worker processes (0: consume in this process)")
    ] = 1,
    max_tasks: Annotated[
        int | None,
        typer.Option(min=1, max=10_000, help="jobs one process runs at once (default: the queue's setting)"),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Consume ingestion jobs of one modality from the Redis queue, in a pool of worker processes
    that each load their models once; a worker that dies is replaced."""
    from .worker.consumer import check_worker_config, run_worker
    from .worker.pool import run_pool

    settings = load_settings(config)  # checked here, so a bad config stops before any process starts
    if workers == 0:
        raise typer.Exit(_run(run_worker(settings, modality, max_tasks)))
    code = _run(check_worker_config(settings, modality))
    raise typer.Exit(code or run_pool(config, modality, workers, max_tasks, settings.telemetry.metrics_port))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files or folders (searched recursively)")],
    wait: Annotated[bool, typer.Option(help="wait until each document is ready or failed")] = True,
    timeout: Annotated[float, typer.Option(help="seconds to wait for ingestion")] = 3600,
    url: UrlOption = None,
    api_key: KeyOption = None,
    config: ConfigOption = None,
) -> None:
    """Upload documents and wait for them; exit code 1 if any failed."""
    raise typer.Exit(_run(commands.ingest(load_settings(config), paths, wait, timeout, url, api_key)))


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="the question")],
    as_json: Annotated[
        bool, typer.Option("--json", help="print one JSON object instead of streaming")
    ] = False,
    url: UrlOption = None,
    api_key: KeyOption = None,
    config: ConfigOption = None,
) -> None:
    """Ask a question; the answer streams with its citations."""
    raise typer.Exit(_run(commands.ask(load_settings(config), question, as_json, url, api_key)))


eval_app = typer.Typer(help="Measure retrieval and answer quality.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
BeirFolder = Annotated[
    Path, typer.Argument(help="a BEIR dataset folder (corpus.jsonl, queries.jsonl, qrels/)")
]
QueryLimit = Annotated[
    int | None, typer.Option(help="first N queries, their judged documents and 10 x N others", min=1)
]


@eval_app.command("beir")
def eval_beir(
    folder: BeirFolder,
    split: Annotated[str, typer.Option(help="the qrels split: test, train, or several: test,train")] = "test",
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    limit: QueryLimit = None,
    config: ConfigOption = None,
) -> None:
    """Score retrieval on a BEIR dataset: nDCG@10, recall@100, MRR@10 and query latency.

    The corpus goes through the real ingestion pipeline into a fresh tenant, removed afterwards."""
    raise typer.Exit(_run(commands.eval_beir(load_settings(config), folder, split, as_json, limit)))


@eval_app.command("answerability")
def eval_answerability(
    folder: BeirFolder,
    split: Annotated[
        str, typer.Option(help="splits, the first chooses the threshold: train,test (or test alone)")
    ] = "train,test",
    target: Annotated[
        float, typer.Option(help="share of answerable queries the chosen threshold must answer", min=0, max=1)
    ] = 0.9,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    limit: QueryLimit = None,
    config: ConfigOption = None,
) -> None:
    """Measure abstention: a seeded half of the queries lose their relevant documents; report how
    many of those abstain (no_answer) and how many of the rest are answered, at the configured
    threshold and over every threshold. The corpus goes into a fresh tenant, removed afterwards."""
    raise typer.Exit(
        _run(commands.eval_answerability(load_settings(config), folder, split, as_json, limit, target))
    )


@eval_app.command("answers")
def eval_answers(
    folder: Annotated[Path, typer.Argument(help="an answer suite folder (suite.yaml and its documents)")],
    split: Annotated[str, typer.Option(help="the questions' split: dev, test, or dev,test")] = "dev,test",
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    home: Annotated[
        Path | None,
        typer.Option(help="an empty folder to use as the home, kept afterwards (default: temporary)"),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Score answers end to end: the suite's documents go through the real pipeline into a fresh
    home, every question is asked (follow-ups in a chat), and the answers are judged: right answers
    and citations, abstentions, raw personal data outside the originals, named things shown masked,
    latency."""
    raise typer.Exit(_run(commands.eval_answers(config, folder, split, as_json, home)))


@eval_app.command("pii")
def eval_pii(
    file: Annotated[Path, typer.Argument(help="labelled sentences, JSON lines: sentence, mentions, split")],
    split: Annotated[str, typer.Option(help="the sentences' split: dev, test, or dev,test")] = "dev,test",
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    config: ConfigOption = None,
) -> None:
    """Precision and recall of the configured PII scrubber per entity type, and how many look-alikes
    that are not personal data (ships, places, headings, genes) it masks."""
    raise typer.Exit(_run(commands.eval_pii(load_settings(config), file, split, as_json)))


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


@app.command("config-reference")
def config_reference() -> None:
    """Print every configuration key, its type, default and meaning as Markdown (docs/configuration.md)."""
    from ragloom.plugins import load_registry

    from .reference import configuration_reference

    print(configuration_reference(load_registry()), end="")


admin_app = typer.Typer(
    help="Administer tenants (through the admin API: a running server, or in-process).",
    no_args_is_help=True,
)
app.add_typer(admin_app, name="admin")
TenantArg = Annotated[str, typer.Argument(help="the tenant id")]


def _admin(method: str, path: str, url: str | None, config: Path | None, as_json: bool, payload=None) -> None:
    async def call() -> int:
        body = await admin_commands.admin_call(load_settings(config), method, path, url, payload)
        admin_commands.print_result(body, as_json)
        return 0

    raise typer.Exit(_run(call()))


@admin_app.command("create")
def admin_create(
    name: Annotated[str, typer.Argument(help="the tenant's display name")],
    max_documents: Annotated[int | None, typer.Option(help="document quota (0 = unlimited)", min=0)] = None,
    max_bytes: Annotated[int | None, typer.Option(help="stored bytes quota (0 = unlimited)", min=0)] = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    config: ConfigOption = None,
) -> None:
    """Onboard a tenant; prints its first API key (shown once)."""
    payload = {"name": name, "max_documents": max_documents, "max_bytes": max_bytes}
    _admin("POST", "/admin/tenants", url, config, as_json, payload)


@admin_app.command("list")
def admin_list(as_json: JsonOption = False, url: UrlOption = None, config: ConfigOption = None) -> None:
    """List tenants."""
    _admin("GET", "/admin/tenants?limit=1000", url, config, as_json)


@admin_app.command("show")
def admin_show(
    tenant: TenantArg, as_json: JsonOption = False, url: UrlOption = None, config: ConfigOption = None
) -> None:
    """Show a tenant, its keys and its usage."""
    _admin("GET", f"/admin/tenants/{tenant}", url, config, as_json)


@admin_app.command("suspend")
def admin_suspend(
    tenant: TenantArg, as_json: JsonOption = False, url: UrlOption = None, config: ConfigOption = None
) -> None:
    """Suspend a tenant: its keys answer 403 until it is resumed."""
    _admin("POST", f"/admin/tenants/{tenant}/suspend", url, config, as_json)


@admin_app.command("resume")
def admin_resume(
    tenant: TenantArg, as_json: JsonOption = False, url: UrlOption = None, config: ConfigOption = None
) -> None:
    """Resume a suspended tenant."""
    _admin("POST", f"/admin/tenants/{tenant}/resume", url, config, as_json)


@admin_app.command("delete")
def admin_delete(
    tenant: TenantArg,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
    as_json: JsonOption = False,
    url: UrlOption = None,
    config: ConfigOption = None,
) -> None:
    """Retire a tenant: purge its vectors, originals, rows and cache; print the deletion receipt."""
    if not yes and not typer.confirm(f"permanently delete every document of tenant {tenant}?"):
        raise typer.Exit(1)
    _admin("DELETE", f"/admin/tenants/{tenant}", url, config, as_json)


@admin_app.command("issue-key")
def admin_issue_key(
    tenant: TenantArg, as_json: JsonOption = False, url: UrlOption = None, config: ConfigOption = None
) -> None:
    """Issue another API key for a tenant (shown once)."""
    _admin("POST", f"/admin/tenants/{tenant}/keys", url, config, as_json)


@admin_app.command("revoke-key")
def admin_revoke_key(
    tenant: TenantArg,
    key_id: Annotated[str, typer.Argument(help="the key id (rlk_...)")],
    as_json: JsonOption = False,
    url: UrlOption = None,
    config: ConfigOption = None,
) -> None:
    """Revoke one of a tenant's API keys."""
    _admin("DELETE", f"/admin/tenants/{tenant}/keys/{key_id}", url, config, as_json)


def _limit_value(raw: str | None, option: str) -> int | None:
    if raw == "default":
        return None
    try:
        value = int(raw or "")
    except ValueError:
        raise typer.BadParameter(f"{option} takes a whole number >= 0 (0 = unlimited) or 'default'") from None
    if value < 0:
        raise typer.BadParameter(f"{option} takes a whole number >= 0 (0 = unlimited) or 'default'")
    return value


@admin_app.command("set-limits")
def admin_set_limits(
    tenant: TenantArg,
    max_documents: Annotated[
        str | None, typer.Option(help="document quota: a number (0 = unlimited) or 'default'")
    ] = None,
    max_bytes: Annotated[
        str | None, typer.Option(help="stored bytes quota: a number (0 = unlimited) or 'default'")
    ] = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    config: ConfigOption = None,
) -> None:
    """Change a tenant's quotas ('default' falls back to the configured quotas)."""
    changes = {}
    if max_documents is not None:
        changes["max_documents"] = _limit_value(max_documents, "--max-documents")
    if max_bytes is not None:
        changes["max_bytes"] = _limit_value(max_bytes, "--max-bytes")
    if not changes:
        raise typer.BadParameter("give --max-documents, --max-bytes or both")
    _admin("PATCH", f"/admin/tenants/{tenant}", url, config, as_json, changes)


@admin_app.command("hash-password")
def admin_hash_password(
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Print the scrypt hash to put in admin.password_hash (instead of a plain password)."""
    from .passwords import hash_password

    print(hash_password(password))


audit_app = typer.Typer(help="Check and export the tamper-evident audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
TenantOption = Annotated[str | None, typer.Option("--tenant", help="one tenant's chain (default: all)")]


@audit_app.command("verify")
def audit_verify(
    tenant: TenantOption = None,
    anchor: Annotated[
        Path | None,
        typer.Option(
            help="a file of chain heads kept outside the database: checked, then advanced on success "
            "(catches removal of the newest records)"
        ),
    ] = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Walk the chains, hashes and signatures; exit 1 and name the first broken record if any."""
    raise typer.Exit(_run(admin_commands.audit_verify(load_settings(config), tenant, as_json, anchor)))


@audit_app.command("export")
def audit_export(
    tenant: TenantOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file (default: stdout)")] = None,
    config: ConfigOption = None,
) -> None:
    """Write audit records as JSON lines, chain by chain in seq order."""
    raise typer.Exit(_run(admin_commands.audit_export(load_settings(config), tenant, output)))


@app.command()
def reindex(
    tenant: Annotated[
        str | None, typer.Option("--tenant", help="one tenant (default: every tenant waiting)")
    ] = None,
    queue: Annotated[
        bool, typer.Option("--queue", help="queue each tenant's reindex as a job instead of running it here")
    ] = False,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Re-embed stored chunks into the configured embedder's space, tenant by tenant.

    After the embedding model changes, tenants keep searching their earlier space until this moves
    them (no media is extracted again). Interrupted, it goes on where it stopped when run again.
    With --queue, the jobs go to the queue: the text worker pool runs them (production), or the next
    `ragloom serve` (embedded). On the embedded profile, stop `ragloom serve` first: its index opens
    in one process at a time.
    """
    settings = load_settings(config)
    if queue:
        raise typer.Exit(_run(admin_commands.queue_reindex(settings, tenant, as_json)))
    raise typer.Exit(_run(admin_commands.reindex(settings, tenant, as_json)))


db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("migrate")
def db_migrate(config: ConfigOption = None) -> None:
    """Bring the schema to the newest revision (run as the schema owner; see plugins.sqlalchemy.app_role)."""
    raise typer.Exit(_run(admin_commands.db_migrate(load_settings(config))))


models_app = typer.Typer(help="Model files made from packaged weights.", no_args_is_help=True)
app.add_typer(models_app, name="models")


@models_app.command("whisper-cpp")
def models_whisper_cpp(
    output: Annotated[Path, typer.Argument(help="the ggml file to write (or a folder for it)")],
    source: Annotated[
        str, typer.Option("--from", help="tiny.en, base, or a CTranslate2 Whisper folder")
    ] = "tiny.en",
    force: Annotated[bool, typer.Option("--force", help="replace an existing file")] = False,
) -> None:
    """Write a whisper.cpp model file from packaged Whisper weights, for the whisper_cpp adapter."""
    from . import model_commands

    try:
        model_commands.whisper_cpp(source, output, force)
    except RagloomError as error:
        err.print(f"[red]error:[/red] {error.message}")
        raise typer.Exit(2) from None


PRIVATE_UMASK = 0o077  # RAGLOOM_HOME holds chunk text, keys and the audit trail: owner only


def main() -> None:
    """The `ragloom` command. Every file it creates is private (0600, folders 0700), whatever the
    umask it was started with."""
    os.umask(PRIVATE_UMASK)
    app(prog_name="ragloom")


if __name__ == "__main__":
    main()
