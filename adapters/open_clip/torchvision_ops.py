"""Make torchvision importable beside the CPU build of torch.

The torchvision wheel on PyPI is built against the CUDA build of torch: beside the CPU build its
compiled operators cannot load. torchvision tolerates that everywhere except two fake-tensor
registrations for `torchvision::nms` and `torchvision::qnms`, which fail at import when the operators
do not exist. Declaring the two schemas first lets the import finish; CLIP uses only torchvision's
image transforms, never those operators (calling them would still fail, with torch's own error).
"""

from __future__ import annotations

import functools


@functools.cache
def declare_missing_operators() -> None:
    """Declare `torchvision::nms` and `qnms` when torchvision's compiled operators did not load."""
    import torch

    if hasattr(torch.ops.torchvision, "nms"):  # never true before torchvision is imported
        return
    try:
        torch.ops.load_library(_extension_path())
        return
    except (OSError, RuntimeError, ImportError):
        pass
    library = torch.library.Library("torchvision", "DEF")
    library.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    library.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    _DECLARED.append(library)  # a Library unregisters its definitions when collected


_DECLARED: list[object] = []


def _extension_path() -> str:
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("torchvision")
    if spec is None or spec.origin is None:
        raise ImportError("torchvision is not installed")
    folder = Path(spec.origin).parent
    found = sorted(folder.glob("_C*.so"))
    if not found:
        raise ImportError("torchvision has no compiled extension")
    return str(found[0])
