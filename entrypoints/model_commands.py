"""`ragloom models`: model files made locally from packaged weights (nothing is downloaded)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import platformdirs

from ragloom.adapters.faster_whisper.models import model_folder
from ragloom.adapters.whisper_cpp.convert import convert
from ragloom.core.errors import Conflict, InvalidInput

from .console import err, out


def model_cache() -> Path:
    """Where assembled models are kept (the faster-whisper adapter's default `cache`)."""
    return Path(platformdirs.user_cache_dir("ragloom")) / "models"


def whisper_cpp(source: str, output: Path, force: bool = False) -> Path:
    """Write a whisper.cpp ggml file from a packaged Whisper model (`tiny.en`, `base`) or a
    CTranslate2 Whisper folder; return the file written. A folder as `output` gets
    `ggml-<name>.bin` inside it."""
    folder = model_folder(source, model_cache())
    if output.is_dir():
        output = output / f"ggml-{Path(source).name}.bin"
    if output.exists() and not force:
        raise Conflict(f"{output} exists (--force replaces it)")
    output.parent.mkdir(parents=True, exist_ok=True)
    err.print(f"converting {source} ({folder}) ...")
    try:
        tensors = convert(folder, output)
    except (KeyError, ValueError, struct.error, json.JSONDecodeError) as error:
        raise InvalidInput(f"{folder} is not a CTranslate2 Whisper model: {error!r}") from error
    size = output.stat().st_size
    out.print(f"wrote {output} ({tensors} tensors, {size / 1e6:.1f} MB)")
    err.print(
        "use it with:\n  adapters:\n    speech_to_text: whisper_cpp\n  plugins:\n    speech_to_text:\n"
        f"      whisper_cpp:\n        model: {output.resolve()}"
    )
    return output
