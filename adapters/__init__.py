"""Adapters: one package per vendor or family, each implementing core ports.

Importing this package makes torchvision importable beside the CPU build of torch. The torchvision
wheel on PyPI is built against CUDA torch, so beside the CPU build its compiled operators cannot
load. torchvision tolerates that, except for two fake-tensor registrations of `torchvision::nms` and
`qnms` that fail at import when those operators do not exist; and transformers (under
sentence-transformers) imports torchvision whenever it is installed. A finder on `sys.meta_path`
declares the two schemas just before torchvision is first imported. ragloom uses only torchvision's
image transforms (CLIP's preprocessing), never those operators; calling them would still fail, with
torch's own error.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from pathlib import Path
from typing import Any

_DECLARED: list[Any] = []  # a torch Library unregisters its definitions when it is collected


def _declare_torchvision_operators() -> None:
    """Declare `torchvision::nms` and `qnms`, unless torchvision's compiled operators load."""
    spec = importlib.util.find_spec("torchvision")
    if spec is None or spec.origin is None:
        return
    import torch

    for extension in sorted(Path(spec.origin).parent.glob("_C*.so")):
        try:
            torch.ops.load_library(str(extension))
            return
        except (OSError, RuntimeError):
            break
    library = torch.library.Library("torchvision", "DEF")
    library.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    library.define("qnms(Tensor qdets, Tensor scores, float iou_threshold) -> Tensor")
    _DECLARED.append(library)


class _TorchvisionOperators(importlib.abc.MetaPathFinder):
    """Runs `_declare_torchvision_operators` once, when torchvision is about to be imported; finds
    nothing itself (it stays in `sys.meta_path`: removing it while Python walks the list would make
    the walk skip the next finder)."""

    def __init__(self) -> None:
        self._done = False

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "torchvision" and not self._done:
            self._done = True
            _declare_torchvision_operators()
        return None


if "torchvision" not in sys.modules and not any(isinstance(f, _TorchvisionOperators) for f in sys.meta_path):
    sys.meta_path.insert(0, _TorchvisionOperators())
