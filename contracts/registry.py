"""The plugin registry: the only place that talks to pluggy.

Load order (as tox does it): block names, load entry points of group `ragloom`, register the
built-in modules, check that every hook implementation matches a spec, then collect specs.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import cast

import pluggy

from . import hookspecs
from .errors import DuplicateAdapter, PluginError
from .markers import PROJECT
from .spec import AdapterSpec, Port

ENTRY_POINT_GROUP = "ragloom"


@dataclass(frozen=True)
class PluginInfo:
    name: str
    distribution: str
    version: str
    adapters: tuple[AdapterSpec, ...]


def _distribution_of(plugin: object, dists: dict[int, importlib.metadata.Distribution]) -> tuple[str, str]:
    dist = dists.get(id(plugin))
    if dist is not None:
        return dist.metadata["Name"], dist.version
    try:
        return "ragloom", importlib.metadata.version("ragloom")
    except importlib.metadata.PackageNotFoundError:
        return "ragloom", "unknown"


class PluginRegistry:
    """Every adapter offered by built-in and installed plugins, keyed by (port, name)."""

    def __init__(
        self, builtins: Sequence[str], *, load_entry_points: bool = True, blocked: Iterable[str] = ()
    ):
        self._pm = pluggy.PluginManager(PROJECT)
        self._pm.add_hookspecs(hookspecs)
        for name in blocked:
            self._pm.set_blocked(name)
        self._dists: dict[int, importlib.metadata.Distribution] = {}
        if load_entry_points:
            self._load_entry_points()
        for module_name in builtins:
            self._register(importlib.import_module(module_name), module_name)
        self._pm.check_pending()
        self._specs: dict[tuple[Port, str], tuple[AdapterSpec, str]] = {}
        self._by_plugin: dict[str, list[AdapterSpec]] = {}
        self._collect()

    def _register(self, module: ModuleType, name: str) -> None:
        if self._pm.is_blocked(name) or self._pm.has_plugin(name):
            return
        self._pm.register(module, name=name)

    def _load_entry_points(self) -> None:
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if self._pm.is_blocked(entry_point.name):
                continue
            try:
                plugin = entry_point.load()
            except Exception as error:
                raise PluginError(
                    f"plugin {entry_point.name!r} ({entry_point.value}) failed to load: {error}"
                ) from error
            if self._pm.has_plugin(entry_point.name):
                raise PluginError(f"two installed plugins are named {entry_point.name!r}")
            self._pm.register(plugin, name=entry_point.name)
            if entry_point.dist is not None:
                self._dists[id(plugin)] = entry_point.dist

    def _collect(self) -> None:
        for implementation in self._pm.hook.ragloom_adapters.get_hookimpls():
            plugin_name = implementation.plugin_name
            offered = cast(Iterable[object], implementation.function() or ())
            for spec in offered:
                if not isinstance(spec, AdapterSpec):
                    raise PluginError(f"plugin {plugin_name!r} returned {spec!r}, not an AdapterSpec")
                key = (spec.port, spec.name)
                if key in self._specs:
                    other = self._specs[key][1]
                    raise DuplicateAdapter(
                        f"adapter {spec.name!r} for port {spec.port.value!r} is offered by both "
                        f"plugin {other!r} and plugin {plugin_name!r}; uninstall or block one"
                    )
                self._specs[key] = (spec, plugin_name)
                self._by_plugin.setdefault(plugin_name, []).append(spec)

    def names(self, port: Port) -> list[str]:
        return sorted(name for (p, name) in self._specs if p == port)

    def find(self, port: Port, name: str) -> AdapterSpec | None:
        entry = self._specs.get((port, name))
        return entry[0] if entry else None

    def plugins(self) -> list[PluginInfo]:
        infos = []
        for plugin_name, plugin in self._pm.list_name_plugin():
            if plugin is None:
                continue
            dist, version = _distribution_of(plugin, self._dists)
            infos.append(PluginInfo(plugin_name, dist, version, tuple(self._by_plugin.get(plugin_name, ()))))
        return sorted(infos, key=lambda info: info.name)
