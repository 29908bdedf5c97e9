"""Configuration: profile defaults <- YAML file <- RAGLOOM_* environment overrides, then validation.

Adapter settings are keyed by port, then adapter: `plugins.vector_index.qdrant.url`, so adapters of
the same name on different ports never share keys. Environment overrides use `__` for nesting:
RAGLOOM_ADAPTERS__VECTOR_INDEX=qdrant, RAGLOOM_PLUGINS__VECTOR_INDEX__QDRANT__URL=http://qdrant:6333,
RAGLOOM_HTTP__PORT=9000. Values are YAML scalars.
`${VAR}` and `${VAR:-default}` are interpolated from the environment (RAGLOOM_HOME is always set).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import platformdirs
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from ragloom.contracts.errors import ConfigError
from ragloom.contracts.ports import PORTS
from ragloom.contracts.spec import Port
from ragloom.core.chunking import ChunkingPolicy
from ragloom.core.models import Modality

from .passwords import check_hash_format, hash_password

PROFILES = ("embedded", "production")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-((?:[^{}]|\{[^{}]*\})*))?\}")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HttpSettings(_Section):
    """The HTTP API (`ragloom serve`)."""

    host: str = Field("127.0.0.1", description="address to listen on (0.0.0.0: every interface)")
    port: int = Field(8080, ge=0, le=65535, description="port to listen on")
    max_upload_bytes: int = Field(50 * 1024 * 1024, ge=1, description="largest upload accepted (413 above)")
    max_question_chars: int = Field(4000, ge=1, description="longest question accepted (400 above)")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="networks of gateways (CIDR) whose X-Forwarded-For names the client: login "
        "throttling and audit then count the client, not the gateway",
    )
    link_expiry_seconds: int = Field(600, ge=1, le=7 * 24 * 3600, description="lifetime of a file link")
    events_poll_seconds: float = Field(
        1.0, gt=0, le=60, description="how often an open /v1/events stream looks for new events"
    )
    events_keepalive_seconds: float = Field(
        15.0, gt=0, le=600, description="a quiet /v1/events stream sends a comment this often"
    )
    events_max_seconds: float = Field(
        300.0,
        gt=0,
        le=86400,
        description="a /v1/events stream ends after this long; the client reconnects with Last-Event-ID",
    )
    auth_free_failures: int = Field(5, ge=1, le=1000, description="failed logins before back-off starts")
    auth_max_backoff_seconds: float = Field(300, ge=1, le=86400, description="longest back-off")
    auth_failure_window_seconds: float = Field(
        60, ge=1, le=86400, description="failed logins are audited as one record per source per window"
    )
    max_concurrent_uploads: int = Field(
        8, ge=1, le=10_000, description="upload bodies received at once on this server (503 above)"
    )
    max_concurrent_uploads_per_tenant: int = Field(
        4,
        ge=1,
        le=10_000,
        description="upload bodies one tenant may send at once (429 above): one tenant's slow uploads "
        "never take every slot",
    )
    upload_min_bytes_per_second: int = Field(
        16_384,
        ge=0,
        description="an upload averaging less than this, once upload_grace_seconds have passed, is "
        "cut off with 408 (0: no minimum)",
    )
    upload_grace_seconds: float = Field(
        10, gt=0, le=3600, description="how long an upload may take before its rate is checked"
    )
    upload_idle_seconds: float = Field(
        30, gt=0, le=3600, description="longest silence inside an upload's body (408 after)"
    )
    upload_deadline_seconds: float = Field(
        900, gt=0, le=86_400, description="longest time one upload's body may take (408 after)"
    )
    header_timeout_seconds: float = Field(
        10,
        gt=0,
        le=600,
        description="how long a connection may take to send a request's headers, the first or the "
        "next on a kept-alive connection; the server closes it after",
    )
    read_timeout_seconds: int = Field(
        60,
        ge=1,
        le=86_400,
        description="longest silence on a connection in the middle of a request; the server closes it "
        "after (keep it above upload_idle_seconds, which answers 408 first)",
    )
    link_signing_key: SecretStr | None = Field(
        None, description="HMAC key of the app's own file links (default: a random key per process)"
    )

    @model_validator(mode="after")
    def _upload_answered_before_the_socket_times_out(self) -> HttpSettings:
        if self.read_timeout_seconds <= self.upload_idle_seconds:
            raise ValueError(
                f"read_timeout_seconds ({self.read_timeout_seconds}) must be above upload_idle_seconds "
                f"({self.upload_idle_seconds:g}), or a silent upload is dropped without its 408"
            )
        return self

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError:
                raise ValueError(f"{network!r} is not a network (CIDR such as 10.0.0.0/8)") from None
        return value


class ChunkingSettings(_Section):
    """Chunk sizes in words; their limits are checked in one place, `core.chunking.ChunkingPolicy`."""

    max_words: int = Field(180, description="words per chunk at most")
    overlap_words: int = Field(40, description="words a chunk repeats from the one before")
    include_title: bool = Field(True, description="embed each chunk after its document's title")
    max_seconds: float = Field(30.0, description="the longest span of a transcript's chunk")


class RetrievalSettings(_Section):
    """How a question finds passages."""

    mode: Literal["dense", "sparse", "hybrid"] = Field(
        "hybrid", description="dense (embeddings), sparse (BM25) or hybrid (both, fused in the index)"
    )
    candidates: int = Field(20, ge=1, le=1000, description="chunks fetched for the reranker to reorder")
    top_n: int = Field(5, ge=1, le=100, description="passages given to the chat model")


class AnswerSettings(_Section):
    """Answering: how much of a chat is context, and when the documents are taken not to hold the
    answer (core.services.answer.AnswerPolicy; chosen on the dev half of bench/answer_suite, see
    bench/README.md, and measured on SciFact with `ragloom eval answerability`)."""

    history_messages: int = Field(10, ge=0, le=200, description="a chat's last messages used as context")
    min_similarity: float = Field(
        0.3,
        ge=0,
        le=1,
        description="the cosine similarity of the question and the closest chunk below which the answer "
        "is no_answer, unless a sentence's support reaches sure_support (0 turns it off; measure "
        "another embedder with `ragloom eval answers`)",
    )
    min_support: float = Field(
        0.2,
        ge=0,
        le=1,
        description="the share of the question's terms (weighted by rarity) that a retrieved sentence "
        "holding an answer of the asked kind must hold, else no_answer (0 turns it off)",
    )
    sure_support: float = Field(
        0.5, ge=0, le=1, description="support at which an answer stands even below min_similarity"
    )


class IngestSettings(_Section):
    """Ingestion jobs."""

    embed_batch: int = Field(256, ge=1, le=8192, description="texts embedded per model call at most")
    max_attempts: int = Field(3, ge=1, le=20, description="tries of one document before it is failed")
    retry_backoff_seconds: float = Field(0.5, ge=0, le=600, description="first retry's wait; doubles after")
    progress_interval_seconds: float = Field(
        1.0, gt=0, le=60, description="how often a running ingestion writes its progress to the document"
    )
    outbox_relay_interval_seconds: float = Field(
        5.0, gt=0, le=3600, description="how often the outbox relay looks for jobs a crash left unpublished"
    )
    outbox_relay_after_seconds: float = Field(
        10.0,
        ge=0,
        le=3600,
        description="age at which the relay publishes a job its writer has not (it stopped after the commit)",
    )


class ExtractionSettings(_Section):
    """Where originals are parsed: in sandboxed worker processes (the default) or in the service.
    Each modality has its own pool of `processes` workers, with its own limits."""

    sandbox: bool = Field(True, description="parse originals in separate, limited worker processes")
    processes: int = Field(2, ge=1, le=64, description="worker processes extracting at once")
    memory_bytes: int = Field(1 << 30, ge=64 << 20, description="address space of one worker")
    memory_bytes_by_modality: dict[Modality, Annotated[int, Field(ge=64 << 20)]] = Field(
        default_factory=lambda: {
            Modality.TEXT: 2 << 30,
            Modality.AUDIO: 2 << 30,
            Modality.IMAGE: 2 << 30,
            Modality.VIDEO: 4 << 30,
        },
        description="address space of one worker of these modalities (a transcriber or OCR needs over 1 GiB; "
        "OCR reads documents' scanned pages and pictures)",
    )
    timeout_seconds: float = Field(120, gt=0, le=24 * 3600, description="wall time of one document")
    timeout_seconds_by_modality: dict[Modality, Annotated[float, Field(gt=0, le=24 * 3600)]] = Field(
        default_factory=lambda: {Modality.AUDIO: 3600.0, Modality.VIDEO: 3600.0},
        description="wall time of one document of these modalities (a recording takes longer)",
    )


class MaintenanceSettings(_Section):
    """The janitor: finishes deletions a failure left half done and removes orphan originals."""

    interval_seconds: float = Field(300, ge=0, le=86400, description="0: at start only")
    orphan_grace_seconds: float = Field(
        3600, ge=60, description="how old an original without a document row must be to be removed"
    )


class WebhookSettings(_Section):
    """Delivery of events to the endpoints tenants (and the operator) register."""

    retry_delays_seconds: list[float] = Field(
        [5, 300, 1800, 7200, 18000, 36000],
        min_length=0,
        max_length=20,
        description="the wait before each attempt after a failed one; by default the last of the 7 "
        "attempts comes 17.6 hours after the first",
    )
    disable_after_failures: int = Field(
        20, ge=1, le=10_000, description="failed attempts in a row that disable an endpoint"
    )
    max_endpoints: int = Field(20, ge=1, le=1000, description="endpoints per tenant")

    @field_validator("retry_delays_seconds")
    @classmethod
    def _delays(cls, value: list[float]) -> list[float]:
        if any(delay < 0 or delay > 86_400 for delay in value):
            raise ValueError("each delay must be between 0 and 86400 seconds")
        return value


class QuotaSettings(_Section):
    """Default per-tenant limits (a tenant's own limits override them); 0 means unlimited."""

    max_documents: int = Field(0, ge=0, description="documents a tenant may keep")
    max_bytes: int = Field(0, ge=0, description="bytes of originals a tenant may keep")


class AdminSettings(_Section):
    """HTTP Basic credentials of /admin. A plain `password` is hashed at load and then dropped."""

    user: str = Field("", description="the administrator's user name (empty: /admin is disabled)")
    password: SecretStr = Field(
        SecretStr(""), description="the password, hashed at load (or use password_hash)"
    )
    password_hash: str = Field("", description="the scrypt hash from `ragloom admin hash-password`")

    @model_validator(mode="after")
    def _hash_plain_password(self) -> AdminSettings:
        if self.password_hash:
            check_hash_format(self.password_hash)
        plain = self.password.get_secret_value()
        if plain:
            self.password_hash = hash_password(plain)
            self.password = SecretStr("")
        if bool(self.user) != bool(self.password_hash):
            raise ValueError("set both the admin user and a password (or password_hash), or neither")
        return self

    @property
    def enabled(self) -> bool:
        return bool(self.user and self.password_hash)


class TenancySettings(_Section):
    """`default_tenant`: create the `default` tenant at first start and write its key to RAGLOOM_HOME."""

    default_tenant: bool = Field(False, description="create the `default` tenant (embedded profile)")


class TelemetrySettings(_Section):
    """Logs, metrics and traces."""

    log_format: Literal["text", "json"] = Field("text", description="json: one JSON object per line")
    log_level: Literal["debug", "info", "warning", "error"] = Field("info", description="lowest level logged")
    otlp_endpoint: str | None = Field(
        None, description="OTLP/HTTP traces endpoint, e.g. http://otel-collector:4318/v1/traces; unset: off"
    )
    service_name: str = Field("ragloom", description="service.name of the traces")
    metrics: bool = Field(True, description="serve Prometheus metrics at GET /metrics")
    metrics_port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description="`ragloom worker`: serve the pool's Prometheus metrics (every worker process's, "
        "summed) at http://<host>:<port>/metrics; unset: none (the API serves its own at /metrics)",
    )


class Settings(_Section):
    profile: Literal["embedded", "production"] = Field(
        "embedded", description="the defaults to start from (also RAGLOOM_PROFILE)"
    )
    home: str = Field(description="folder of the embedded profile's state (also RAGLOOM_HOME)")
    adapters: dict[str, str | list[str]] = Field(default_factory=dict)
    plugins: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)
    http: HttpSettings = HttpSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answers: AnswerSettings = AnswerSettings()
    ingest: IngestSettings = IngestSettings()
    quotas: QuotaSettings = QuotaSettings()
    maintenance: MaintenanceSettings = MaintenanceSettings()
    webhooks: WebhookSettings = WebhookSettings()
    extraction: ExtractionSettings = ExtractionSettings()
    admin: AdminSettings = AdminSettings()
    tenancy: TenancySettings = TenancySettings()
    telemetry: TelemetrySettings = TelemetrySettings()

    def adapter_names(self, port: Port) -> list[str]:
        value = self.adapters.get(port.value)
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)

    def adapter_section(self, port: Port, name: str) -> dict[str, Any]:
        """The settings of adapter `name` on `port` (`plugins.<port>.<name>`), {} when absent."""
        return dict(self.plugins.get(port.value, {}).get(name) or {})


def default_home() -> Path:
    return Path(platformdirs.user_data_dir("ragloom", appauthor=False))


def _profile_defaults(profile: str) -> dict[str, Any]:
    text = resources.files("ragloom.entrypoints").joinpath("profiles", f"{profile}.yaml").read_text()
    return yaml.safe_load(text) or {}


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith("RAGLOOM_") or "__" not in name:
            continue
        path = [part.lower() for part in name[len("RAGLOOM_") :].split("__")]
        if any(not part for part in path):
            raise ConfigError(f"environment variable {name}: empty key part")
        try:
            value = yaml.safe_load(raw) if raw else ""
        except yaml.YAMLError:
            value = raw
        node = overrides
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"environment variable {name} conflicts with another override")
        node[path[-1]] = value
    return overrides


def _interpolate(value: Any, env: Mapping[str, str], where: str) -> Any:
    if isinstance(value, dict):
        return {k: _interpolate(v, env, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v, env, f"{where}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in env and env[name] != "":
            return env[name]
        if default is not None:
            return _VAR.sub(substitute, default)
        raise ConfigError(f"{where}: environment variable {name} is not set (referenced as ${{{name}}})")

    return _VAR.sub(substitute, value)


def _explain(error: ValidationError, prefix: str, model: type[BaseModel]) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in (prefix, *item["loc"]) if part != "")
        if item["type"] == "extra_forbidden":
            node: Any = model
            for part in item["loc"][:-1]:
                fields = getattr(node, "model_fields", None) if isinstance(node, type) else None
                field = fields.get(str(part)) if fields is not None else None
                node = field.annotation if field is not None else None
            valid = (
                sorted(node.model_fields) if isinstance(node, type) and issubclass(node, BaseModel) else []
            )
            lines.append(f"{key}: unknown key; valid keys: {', '.join(valid) or '(none)'}")
        elif item["type"] == "missing":
            lines.append(f"{key}: required key is missing")
        else:
            lines.append(f"{key}: {item['msg'].removeprefix('Value error, ')}")
    return "; ".join(lines)


def validate_section(model: type[BaseModel], data: Mapping[str, Any], prefix: str) -> BaseModel:
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        raise ConfigError(_explain(error, prefix, model)) from None


def load_settings(
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Read the configuration; ConfigError names the offending key and the valid choices."""
    env = dict(os.environ if environ is None else environ)
    path = config_file or env.get("RAGLOOM_CONFIG")
    file_data: dict[str, Any] = {}
    if path:
        try:
            loaded = yaml.safe_load(Path(path).read_text())
        except OSError as error:
            raise ConfigError(f"cannot read config file {path}: {error.strerror}") from None
        except yaml.YAMLError as error:
            raise ConfigError(f"config file {path} is not valid YAML: {error}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"config file {path} must hold a mapping at the top level")
        file_data = loaded or {}
    env_data = _env_overrides(env)
    profile = env.get("RAGLOOM_PROFILE") or env_data.get("profile") or file_data.get("profile") or "embedded"
    if profile not in PROFILES:
        raise ConfigError(f"profile: unknown profile {profile!r}; valid choices: {', '.join(PROFILES)}")
    home = env.get("RAGLOOM_HOME") or file_data.get("home") or str(default_home())
    data = _merge(_profile_defaults(profile), file_data)
    data = _merge(data, env_data)
    data = _merge(data, overrides or {})
    data["profile"] = profile
    data["home"] = str(Path(str(data.get("home") or home)).expanduser())
    data = _interpolate(data, {**env, "RAGLOOM_HOME": data["home"]}, "")
    _check_plugin_ports(data.get("plugins"))
    settings = validate_section(Settings, data, "")
    assert isinstance(settings, Settings)
    _check_ports(settings)
    return settings


def _check_plugin_ports(plugins: object) -> None:
    """`plugins` is keyed by port first: say so when a section names something else."""
    if not isinstance(plugins, dict):
        return
    valid = sorted(port.value for port in Port)
    for key in plugins:
        if key not in valid:
            raise ConfigError(
                f"plugins.{key}: unknown port; adapter settings are keyed by port, then adapter "
                f"(plugins.<port>.<adapter>); valid ports: {', '.join(valid)}"
            )


def _check_ports(settings: Settings) -> None:
    valid = sorted(port.value for port in Port)
    for key, value in settings.adapters.items():
        if key not in valid:
            raise ConfigError(f"adapters.{key}: unknown port; valid ports: {', '.join(valid)}")
        if isinstance(value, list) and not PORTS[Port(key)].multiple:
            raise ConfigError(f"adapters.{key}: takes one adapter name, not a list")
    try:
        ChunkingPolicy(**settings.chunking.model_dump())
    except ValueError as error:
        raise ConfigError(str(error)) from None
