"""torchvision imports beside the CPU build of torch once `ragloom.adapters` is imported, and so
does transformers (which imports torchvision whenever it is installed): checked in a fresh process,
where nothing was imported before."""

import subprocess
import sys


def test_torchvision_and_transformers_import_after_the_adapters_package():
    code = (
        "import ragloom.adapters\n"
        "from torchvision import transforms\n"
        "from transformers import PreTrainedModel\n"
        "import open_clip\n"
        "print(transforms.Normalize.__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "Normalize"


def test_asking_whether_torchvision_exists_imports_nothing():
    # transformers probes with find_spec from whichever thread loads it first; importing torch there
    # deadlocked a worker whose other thread was importing torch for Presidio at the same moment.
    code = (
        "import importlib.util, sys\n"
        "import ragloom.adapters\n"
        "assert importlib.util.find_spec('torchvision') is not None\n"
        "print(sorted(m for m in ('torch', 'torchvision') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
