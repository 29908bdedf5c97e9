"""The test command itself: the lock files cover what pyproject.toml asks for, and a failing test is
reported as a failure, never as a pytest INTERNALERROR."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)", re.MULTILINE)


def _locked(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text()
    return {canonicalize_name(m[1]): m[2] for m in _PIN.finditer(text)}


def _wanted(*extras: str) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def _unmet(requirements: list[Requirement], locked: dict[str, str]) -> list[str]:
    unmet = []
    for requirement in requirements:
        version = locked.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            unmet.append(f"{requirement} (locked: {version})")
    return unmet


def test_every_requirement_of_the_service_is_locked_at_a_version_it_allows():
    assert _unmet(_wanted(), _locked("runtime.txt")) == []


def test_every_requirement_of_the_tests_is_locked_at_a_version_it_allows():
    locked = {**_locked("test.txt"), **_locked("llama.txt"), **_locked("models.txt")}
    assert _unmet(_wanted("test"), locked) == []


def test_the_service_and_the_tests_lock_the_same_versions():
    runtime, test = _locked("runtime.txt"), _locked("test.txt")
    assert {name: version for name, version in runtime.items() if test.get(name) != version} == {}


def test_every_locked_package_has_a_hash():
    for name in ("runtime.txt", "test.txt", "llama.txt", "models.txt"):
        entries = re.split(r"\n(?=\S)", (ROOT / "requirements" / name).read_text())
        pins = [entry for entry in entries if _PIN.match(entry)]
        assert pins and all("--hash=sha256:" in entry for entry in pins), name


def test_a_failing_test_is_reported_even_when_garbage_collection_fails_meanwhile(tmp_path):
    """CPython 3.11.7 (gh-106905) raises SystemError in ast.parse when a failing finaliser's
    traceback is formatted while pytest parses a failing test's source: the whole run died with
    an INTERNALERROR. scripts/test.sh runs without column ranges (PYTHONNODEBUGRANGES), so
    formatting a traceback parses nothing."""
    (tmp_path / "test_garbage.py").write_text(
        textwrap.dedent(
            """
            import gc

            class Garbage:
                def __init__(self):
                    self.cycle = self

                def __del__(self):
                    Garbage()  # the next collection finds more
                    raise AttributeError("a finaliser failed")

            def test_fails():
                gc.set_threshold(1)
                Garbage()
                assert 1 == 2
            """
        )
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_garbage.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "INTERNALERROR" not in run.stdout + run.stderr
    assert run.returncode == 1 and "1 failed" in run.stdout
