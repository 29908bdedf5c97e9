"""What each benchmark prints about the code it ran."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def commit() -> str:
    """The checked-out commit, marked -dirty when the work tree has uncommitted changes."""
    ran = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True, cwd=ROOT)
    return ran.stdout.strip()


def header(settings: dict[str, Any]) -> str:
    """The first line a benchmark prints: the cores, the commit and the settings it runs with."""
    return f"cores {os.cpu_count()}, commit {commit()}, settings {settings}"
