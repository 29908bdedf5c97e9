"""CLIP: pictures and text queries embedded in one space by open_clip, from weights on disk."""

from ragloom.adapters.open_clip.settings import OpenClipSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.IMAGE_EMBEDDER,
            "open_clip",
            lazy("ragloom.adapters.open_clip.embedder:open_clip_embedder"),
            OpenClipSettings,
            "open_clip (CLIP) from a folder or checkpoint on disk: pictures searchable by what they show",
        ),
    ]
