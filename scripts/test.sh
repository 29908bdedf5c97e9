#!/usr/bin/env bash
# Install what the tests need into .venv, then run the architecture checks, the linter, the type
# checker and the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS=test source scripts/install.sh
.venv/bin/lint-imports
.venv/bin/ruff check .
bash scripts/typecheck.sh
.venv/bin/python -m pytest "$@"
