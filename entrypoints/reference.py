"""The configuration reference (docs/configuration.md), generated from the settings models themselves,
so every key, its type, default and meaning is written down and cannot drift from the code."""

from __future__ import annotations

import enum
import json
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ragloom.contracts.registry import PluginRegistry
from ragloom.contracts.spec import Port

from .settings import Settings

_HEADER = """# Configuration reference

Generated from the settings models by `ragloom config-reference > docs/configuration.md` (a test
checks it is current). Settings come from the profile, then a YAML file (`--config` or
`RAGLOOM_CONFIG`), then `RAGLOOM_*` variables (`__` between levels:
`RAGLOOM_PLUGINS__BLOB_STORE__S3__BUCKET`). Unknown keys are refused at start.
"""


def _type(field: FieldInfo) -> str:
    text = str(field.annotation).replace("typing.", "").replace("NoneType", "None")
    for noise in ("ragloom.entrypoints.settings.", "ragloom.core.models.", "pydantic.types."):
        text = text.replace(noise, "")
    return text.replace("<class '", "").replace("'>", "").replace("|", "\\|")


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
    elif field.default is PydanticUndefined:
        return "**required**"
    else:
        value = field.default
    if isinstance(value, BaseModel):
        return "(see below)"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, dict):
        value = {k.value if isinstance(k, enum.Enum) else k: v for k, v in value.items()}
    if hasattr(value, "get_secret_value"):
        return "(secret)"
    return f"`{json.dumps(value, default=str)}`"


def _rows(model: type[BaseModel], prefix: str) -> list[str]:
    rows = []
    for name, field in model.model_fields.items():
        nested = field.annotation if isinstance(field.annotation, type) else None
        description = (field.description or "").replace("|", "\\|").replace("\n", " ")
        if nested is not None and issubclass(nested, BaseModel):
            rows += _rows(nested, f"{prefix}{name}.")
            continue
        inner = _nested_model(field)
        rows.append(f"| `{prefix}{name}` | {_type(field)} | {_default(field)} | {description} |")
        if inner is not None:
            rows += _rows(inner, f"{prefix}{name}.")
    return rows


def _nested_model(field: FieldInfo) -> type[BaseModel] | None:
    """The model inside `Model | None`, if the field is one."""
    for argument in getattr(field.annotation, "__args__", ()):
        if isinstance(argument, type) and issubclass(argument, BaseModel):
            return argument
    return None


def _table(rows: list[str]) -> list[str]:
    return ["| key | type | default | meaning |", "| --- | --- | --- | --- |", *rows, ""]


def configuration_reference(registry: PluginRegistry) -> str:
    """The whole reference as Markdown."""
    lines = [_HEADER]
    lines += ["## Service settings", ""]
    skip = {"adapters", "plugins"}
    top = [
        f"| `{name}` | {_type(field)} | {_default(field)} | {field.description or ''} |"
        for name, field in Settings.model_fields.items()
        if name not in skip and not _is_section(field)
    ]
    lines += _table(top)
    for name, field in Settings.model_fields.items():
        if _is_section(field):
            section: Any = field.annotation
            lines += [f"### `{name}`", "", (section.__doc__ or "").strip(), ""]
            lines += _table(_rows(section, f"{name}."))
    lines += ["## Adapters (`adapters.<port>`) and their settings (`plugins.<port>.<adapter>`)", ""]
    for port in Port:
        names = registry.names(port)
        if not names:
            continue
        lines += [f"### `adapters.{port.value}`: {', '.join(f'`{n}`' for n in names)}", ""]
        for name in names:
            spec = registry.find(port, name)
            assert spec is not None
            lines += [f"#### `plugins.{port.value}.{name}`: {spec.description}", ""]
            rows = _rows(spec.settings, "")
            lines += _table(rows) if rows else ["No settings.", ""]
    return "\n".join(lines).rstrip() + "\n"


def _is_section(field: FieldInfo) -> bool:
    return isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
