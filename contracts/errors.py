"""Plugin and configuration errors: raised at start only, each naming what to fix."""

from __future__ import annotations


class PluginError(Exception):
    """A plugin could not be loaded or offers something invalid."""


class DuplicateAdapter(PluginError):
    """Two plugins offer an adapter for the same port under the same name."""


class ConfigError(Exception):
    """The configuration names an unknown adapter or key, or misses a required one."""
