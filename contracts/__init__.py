"""The plugin SDK: markers, hookspecs, AdapterSpec, the registry, plugin errors and contract tests."""

from .markers import hookimpl, hookspec
from .spec import AdapterFactory, AdapterSpec, Port, lazy

__all__ = ["AdapterFactory", "AdapterSpec", "Port", "hookimpl", "hookspec", "lazy"]
