#!/usr/bin/env bash
# Type-check every package with mypy: the core, the plugin SDK (contracts), the adapters, the plugins,
# the entry points and the evaluation harness; the core and the plugin SDK strictly (the
# [[tool.mypy.overrides]] in pyproject.toml). The folders are installed as `ragloom.*` by an editable install that mypy cannot
# follow, so a temporary tree of symlinks gives mypy the package layout.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
TREE="$(mktemp -d)"
trap 'rm -rf "$TREE"' EXIT
mkdir "$TREE/ragloom"
for portion in core contracts adapters plugins entrypoints evaluation; do
    ln -s "$ROOT/$portion" "$TREE/ragloom/$portion"
done
cd "$TREE"
"$ROOT/.venv/bin/mypy" --config-file "$ROOT/pyproject.toml" --python-executable "$ROOT/.venv/bin/python" \
    -p ragloom.core -p ragloom.contracts -p ragloom.adapters -p ragloom.plugins -p ragloom.entrypoints \
    -p ragloom.evaluation
