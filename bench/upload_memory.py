"""Upload one large generated file to a running `ragloom serve` and report the server's peak memory.

    .venv/bin/python bench/upload_memory.py --gib 2

The server runs on the embedded profile (hashing embedder, so it starts fast) with the upload limit
raised above the file. The file is generated on disk first; httpx streams it as multipart. The
server's resident memory is sampled every 20 ms during the upload, and its high-water mark
(VmHWM) is read at the end. The text extractor refuses the file at once (its own input limit), so
what is measured is receiving, hashing and storing the bytes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.provenance import header
from tests.helpers.server import running_server

LINE = b"The harbour master logs every ship that enters the port, with its tonnage and cargo.\n"


def generate(path: Path, size: int) -> None:
    block = LINE * (1 << 20 // len(LINE) + 1)
    written = 0
    with path.open("wb") as handle:
        while written < size:
            piece = block[: size - written]
            handle.write(piece)
            written += len(piece)


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not found")


def server_pid(port: int) -> int:
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    return int(out.split("pid=")[1].split(",")[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=2.0, help="size of the upload in GiB")
    args = parser.parse_args()
    print(header(vars(args)), flush=True)
    size = int(args.gib * (1 << 30))
    with tempfile.TemporaryDirectory(prefix="ragloom-upload-") as folder:
        source = Path(folder) / "harbour-log.txt"
        generate(source, size)
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")}
        env |= {
            "RAGLOOM_HOME": str(Path(folder) / "home"),
            "RAGLOOM_ADAPTERS__TEXT_EMBEDDER": "hashing",
            "RAGLOOM_HTTP__MAX_UPLOAD_BYTES": str(size + (1 << 20)),
            "TMPDIR": folder,  # the multipart spool goes next to the source, not to a small /tmp
        }
        with running_server(env) as url:
            pid = server_pid(int(url.rsplit(":", 1)[1]))
            before = memory_kib(pid, "VmRSS")
            key = (Path(folder) / "home" / "default-api-key").read_text().strip()
            samples: list[int] = []
            done = threading.Event()

            def sample() -> None:
                while not done.is_set():
                    samples.append(memory_kib(pid, "VmRSS"))
                    time.sleep(0.02)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            start = time.perf_counter()
            with source.open("rb") as handle:
                response = httpx.post(
                    f"{url}/v1/documents",
                    files={"file": ("harbour-log.txt", handle, "text/plain")},
                    headers={"Authorization": f"Bearer {key}"},
                    timeout=3600,
                )
            elapsed = time.perf_counter() - start
            done.set()
            sampler.join()
            document = response.json()
            deadline = time.monotonic() + 60
            while document.get("status") in ("queued", "processing") and time.monotonic() < deadline:
                time.sleep(0.2)
                document = httpx.get(
                    f"{url}/v1/documents/{document['id']}", headers={"Authorization": f"Bearer {key}"}
                ).json()
            high_water = memory_kib(pid, "VmHWM")
        rate = size / elapsed / (1 << 20)
        print(
            f"upload: {size / (1 << 30):.2f} GiB in {elapsed:.1f} s ({rate:.0f} MiB/s), "
            f"HTTP {response.status_code}"
        )
        print(
            f"server RSS: {before / 1024:.0f} MiB before, {max(samples) / 1024:.0f} MiB peak while "
            f"uploading ({len(samples)} samples), VmHWM {high_water / 1024:.0f} MiB"
        )
        print(f"document: {document.get('status')} ({document.get('error')})")


if __name__ == "__main__":
    main()
