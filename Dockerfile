# syntax=docker/dockerfile:1
# ragloom's image: the API (`ragloom serve`, the default command), the workers
# (`ragloom worker --modality <m>`) and the other commands (`ragloom db migrate`, ...).
#
#   docker build -t registry.example.com/ragloom:0.1.0 .
#   docker run --rm -p 8080:8080 registry.example.com/ragloom:0.1.0
#
# The Helm chart (helm/ragloom) runs it non-root with a read-only root filesystem and emptyDirs at
# /tmp and RAGLOOM_HOME.

# --- builder: the virtual environment, with compilers for any dependency that ships no wheel -------
FROM python:3.11-slim AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# Every dependency from the lock file, hashes checked; torch's CPU build (2.13.0+cpu) comes from
# PyTorch's CPU index, so no CUDA build (gigabytes of nvidia-* wheels never used) is pulled.
WORKDIR /src
COPY requirements/runtime.txt ./requirements/
RUN pip install --require-hashes --no-deps -r requirements/runtime.txt \
        --extra-index-url https://download.pytorch.org/whl/cpu

# The project itself: only what the package is built from (see [tool.setuptools] in pyproject.toml).
COPY pyproject.toml README.md ./
COPY core ./core
COPY contracts ./contracts
COPY adapters ./adapters
COPY plugins ./plugins
COPY entrypoints ./entrypoints
COPY evaluation ./evaluation
RUN pip install --no-deps .

# --- runtime: the venv and the few shared libraries its wheels expect from the system --------------
FROM python:3.11-slim

# libgomp1: OpenMP of the native inference libraries; libgl1 and libglib2.0-0: opencv-python (under
# rapidocr, the OCR of images and video frames) links them. Media decoding needs no ffmpeg: PyAV's
# wheel carries its own.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 libgl1 libglib2.0-0 tesseract-ocr \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user with a fixed id (the chart's runAsUser), owning RAGLOOM_HOME.
RUN groupadd --system --gid 10001 ragloom \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/ragloom --no-create-home \
       --shell /usr/sbin/nologin ragloom \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/ragloom

COPY --from=builder /opt/venv /opt/venv

ENV PATH=/opt/venv/bin:$PATH \
    RAGLOOM_HOME=/var/lib/ragloom \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

USER 10001
WORKDIR /var/lib/ragloom
EXPOSE 8080
ENTRYPOINT ["ragloom"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
