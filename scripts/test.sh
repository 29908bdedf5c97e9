#!/usr/bin/env bash
# Install what the tests need into .venv, then run the architecture checks, the linter, the type
# checker and the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS=test source scripts/install.sh
# espeak-ng speaks the sentences the audio tests transcribe (a Debian package, not a pip one).
debian_package espeak-ng espeak-ng
# Chromium and its driver from Debian: the console's browser tests drive them through selenium.
debian_package chromium chromium
debian_package chromedriver chromium-driver
.venv/bin/lint-imports
.venv/bin/ruff check .
bash scripts/typecheck.sh
# No column ranges in tracebacks: on CPython 3.11.7 formatting them parses source (ast.parse), and a
# finaliser's traceback formatted inside pytest's own ast.parse kills the run with an INTERNALERROR
# (gh-106905; tests/tooling/test_install_and_report.py).
export PYTHONNODEBUGRANGES=1
# Two workers, a test file each at a time (a file's tests share their fixtures); RAGLOOM_TEST_WORKERS=0
# runs the suite in this process.
.venv/bin/python -m pytest -n "${RAGLOOM_TEST_WORKERS:-2}" --dist loadfile "$@"
