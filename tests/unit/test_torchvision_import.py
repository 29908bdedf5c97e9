"""torchvision imports beside the CPU build of torch once `ragloom.adapters` is imported, and so
does transformers (which imports torchvision whenever it is installed): checked in a fresh process,
where nothing was imported before."""

import subprocess
import sys


def printed_by_a_fresh_process(*lines: str) -> str:
    """What `lines` of Python print when run in a new interpreter (which must exit cleanly)."""
    done = subprocess.run(
        [sys.executable, "-c", "\n".join(lines)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_torchvision_and_transformers_import_after_the_adapters_package():
    printed = printed_by_a_fresh_process(
        "import ragloom.adapters",
        "from torchvision import transforms",
        "from transformers import PreTrainedModel",
        "import open_clip",
        "print(transforms.Normalize.__name__)",
    )
    assert printed == "Normalize"


def test_asking_whether_torchvision_exists_imports_nothing():
    # transformers probes with find_spec from whichever thread loads it first; importing torch there
    # deadlocked a worker whose other thread was importing torch for Presidio at the same moment.
    printed = printed_by_a_fresh_process(
        "import importlib.util, sys",
        "import ragloom.adapters",
        "assert importlib.util.find_spec('torchvision') is not None",
        "print(sorted(m for m in ('torch', 'torchvision') if m in sys.modules))",
    )
    assert printed == "[]"
