"""pluggy markers of the `ragloom` project."""

import pluggy

PROJECT = "ragloom"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
