"""Adapters: one package per vendor or family, each implementing core ports.

Importing this package makes torchvision importable beside the CPU build of torch. The torchvision
wheel on PyPI is built against CUDA torch, so beside the CPU build its compiled operators cannot
load. torchvision tolerates that, except for two fake-tensor registrations of `torchvision::nms` and
`qnms` that fail at import when those operators do not exist; and transformers (under
sentence-transformers) imports torchvision whenever it is installed. A finder on `sys.meta_path`
declares the two schemas when torchvision is first executed. ragloom uses only torchvision's
image transforms (CLIP's preprocessing), never those operators; calling them would still fail, with
torch's own error.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from pathlib import Path
from typing import Any

_DECLARED: list[Any] = []  # a torch Library unregisters its definitions when it is collected


def _declare_torchvision_operators(folder: Path) -> None:
    """Declare `torchvision::nms` and `qnms`, unless torchvision's compiled operators load."""
    import torch

    for extension in sorted(folder.glob("_C*.so")):
        try:
            torch.ops.load_library(str(extension))
            return
        except (OSError, RuntimeError):
            break
    library = torch.library.Library("torchvision", "DEF")
    library.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    library.define("qnms(Tensor qdets, Tensor scores, float iou_threshold) -> Tensor")
    _DECLARED.append(library)


class _DeclaringLoader(importlib.abc.Loader):
    """torchvision's own loader, declaring the operators first when the module is executed (not
    when a library merely asks whether torchvision exists): torchvision imports torch first thing
    anyway, so this adds no import that could wait on another thread's."""

    def __init__(self, loader: Any, folder: Path) -> None:
        self._loader = loader
        self._folder = folder

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        if not _DECLARED:
            _declare_torchvision_operators(self._folder)
        self._loader.exec_module(module)

    def __getattr__(self, name: str) -> Any:  # resources, source, is_package: the real loader's
        return getattr(self._loader, name)


class _TorchvisionOperators(importlib.abc.MetaPathFinder):
    """Finds torchvision as the path finder does, with `_DeclaringLoader` around its loader."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "torchvision":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or spec.origin is None:
            return spec
        spec.loader = _DeclaringLoader(spec.loader, Path(spec.origin).parent)
        return spec


if "torchvision" not in sys.modules and not any(isinstance(f, _TorchvisionOperators) for f in sys.meta_path):
    sys.meta_path.insert(0, _TorchvisionOperators())
