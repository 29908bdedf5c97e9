"""The hooks a ragloom plugin may implement."""

from __future__ import annotations

from collections.abc import Iterable

from .markers import hookspec
from .spec import AdapterSpec


@hookspec
def ragloom_adapters() -> Iterable[AdapterSpec]:
    """Return the adapters this plugin offers, one AdapterSpec per (port, name).

    Called once at start. Two plugins offering the same (port, name) is a startup error.
    """
    return ()
