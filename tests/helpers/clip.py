"""A tiny CLIP made at test time: open_clip's own architecture, randomly initialised, saved in
open_clip's folder layout so the adapter loads it like published weights (none exist here)."""

from __future__ import annotations

import json
from pathlib import Path

import ragloom.adapters  # noqa: F401  (makes torchvision importable beside CPU torch)

EMBED_DIM = 32
CONFIG = {
    "embed_dim": EMBED_DIM,
    "vision_cfg": {"image_size": 64, "layers": 1, "width": 64, "patch_size": 16, "head_width": 32},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 1},
}
PREPROCESS = {"mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711]}


def save_tiny_clip(folder: Path, seed: int = 0) -> tuple[Path, object]:
    """Write open_clip_config.json and open_clip_model.safetensors into `folder`; return the folder
    and the model as built (to compare what the adapter loads with what was saved)."""
    import open_clip
    import torch
    from safetensors.torch import save_file

    torch.manual_seed(seed)
    model = open_clip.CLIP(**CONFIG).eval()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "open_clip_config.json").write_text(
        json.dumps({"model_cfg": CONFIG, "preprocess_cfg": PREPROCESS})
    )
    state = {name: tensor.contiguous() for name, tensor in model.state_dict().items()}
    save_file(state, str(folder / "open_clip_model.safetensors"))
    return folder, model
