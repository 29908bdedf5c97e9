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
