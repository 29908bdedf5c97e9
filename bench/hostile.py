"""Hostile originals and clients against a real `ragloom serve` (embedded profile, defaults, Presidio
on): for each input, the outcome, the time from upload to that outcome, and the peak memory of the
server's whole process tree (service, extraction workers, PII helper) over its footprint at rest.

    .venv/bin/python bench/hostile.py                      # every input
    .venv/bin/python bench/hostile.py --only video-16000-square docx-lying-sizes

First a small valid file of each kind is ingested, so the extraction workers and the PII helper
have loaded their models: what is measured is each input's own cost. The tree's resident memory is
summed every 20 ms while a document is processed, so a peak shorter than that can be missed; the
figures are a floor of the true peak.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.provenance import header
from tests.helpers.hostile import (
    docx_bomb,
    docx_entity_expansion,
    docx_lying_sizes,
    html_flat,
    pdf_shared_stream,
    video_of_size,
)
from tests.helpers.server import RAGLOOM, free_port, wait_until_ok

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ADMIN = ("root", "bench-hostile")


def _video(side: int) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return video_of_size(Path(folder) / "bomb.mp4", side, side).read_bytes()


INPUTS: dict[str, tuple[str, str, Callable[[], bytes]]] = {
    "video-16000-square": ("bomb.mp4", "video/mp4", lambda: _video(16_000)),
    "docx-lying-sizes": ("liar.docx", DOCX, lambda: docx_lying_sizes(1_000_000_000, 2000)),
    "docx-bomb": ("bomb.docx", DOCX, lambda: docx_bomb(1_150_000_000)),
    "docx-entities": ("laughs.docx", DOCX, docx_entity_expansion),
    "html-1m-attributes": (
        "attrs.html",
        "text/html",
        lambda: (
            b"<html><body><p " + b" ".join(b'a%d=""' % i for i in range(1_000_000)) + b">x</p></body></html>"
        ),
    ),
    "html-750k-attributes": (
        "attrs.html",
        "text/html",
        lambda: (
            b"<html><body><p " + b" ".join(b'a%d=""' % i for i in range(750_000)) + b">x</p></body></html>"
        ),
    ),
    "html-40k-tags": ("flat.html", "text/html", lambda: html_flat(40_000)),
    "text-500k-combining-marks": ("marks.txt", "text/plain", lambda: ("e" + "\u0301" * 500_000).encode()),
    "pdf-shared-stream": ("amplified.pdf", "application/pdf", lambda: pdf_shared_stream(50, 1_280_000)),
}


def _warm_up(client: httpx.Client) -> None:
    """Ingest one small valid file of each kind, so every extraction worker and the PII helper run."""
    created = client.post("/admin/tenants", json={"name": "warm-up"}, auth=ADMIN).json()
    key = {"Authorization": f"Bearer {created['api_key']}"}
    with tempfile.TemporaryDirectory() as folder:
        video = video_of_size(Path(folder) / "small.mp4", 320, 240).read_bytes()
    files = [
        ("small.mp4", video, "video/mp4"),
        ("small.pdf", pdf_shared_stream(1, 2_000), "application/pdf"),
        ("small.docx", docx_bomb(10_000), DOCX),
        ("long.txt", b"The harbour handled many ships that year, said Mary Jones. " * 200, "text/plain"),
    ]
    for name, data, media_type in files:
        document = client.post("/v1/documents", files={"file": (name, data, media_type)}, headers=key).json()
        while client.get(f"/v1/documents/{document['id']}", headers=key).json()["status"] not in (
            "ready",
            "failed",
        ):
            time.sleep(0.1)


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    found, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, of in parents.items() if of == parent]
        found += children
        frontier += children
    return found


class TreePeak:
    """The highest summed resident memory of a process tree while it runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kib, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, sum(_rss_kib(p) for p in _tree(self.pid)))
            time.sleep(0.02)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def slow_uploads(url: str, key: str, count: int) -> tuple[list[int], float]:
    """`count` uploads sent one byte every half second; the status each got and the longest wait."""
    statuses: list[int] = []
    started = time.monotonic()
    host, port = url.removeprefix("http://").split(":")
    sockets = []
    for _ in range(count):
        connection = socket.create_connection((host, int(port)))
        head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="slow.txt"\r\n\r\n'
        connection.sendall(
            (
                f"POST /v1/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n"
                "Content-Type: multipart/form-data; boundary=b\r\n"
                f"Content-Length: {len(head) + 10_000}\r\n\r\n"
            ).encode()
            + head
        )
        connection.setblocking(False)
        sockets.append(connection)
    while len(statuses) < count and time.monotonic() - started < 600:
        for connection in sockets:
            try:
                answer = connection.recv(4096)
            except BlockingIOError:
                with contextlib.suppress(OSError):
                    connection.send(b"x")
                continue
            if answer and connection.fileno() >= 0:
                statuses.append(int(answer.split(b" ", 2)[1]))
                connection.close()
        sockets = [c for c in sockets if c.fileno() >= 0]
        time.sleep(0.5)
    return statuses, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", nargs="*", choices=list(INPUTS), help="these inputs only")
    parser.add_argument("--skip-slow-uploads", action="store_true")
    parser.add_argument(
        "--scrubber", default="presidio", choices=["presidio", "regex"], help="the PII scrubber"
    )
    args = parser.parse_args()
    chosen = args.only or list(INPUTS)
    print(header({"inputs": chosen, "scrubber": args.scrubber}))
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")}
        env |= {"RAGLOOM_HOME": home, "RAGLOOM_ADMIN_USER": ADMIN[0], "RAGLOOM_ADMIN_PASSWORD": ADMIN[1]}
        env["RAGLOOM_ADAPTERS__PII_SCRUBBER"] = args.scrubber
        port = free_port()
        server = subprocess.Popen(
            [*RAGLOOM, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_ok(f"{url}/readyz", server, 180)
            client = httpx.Client(base_url=url, timeout=120)
            _warm_up(client)
            print("| input | bytes | outcome | seconds | peak tree memory over rest (MiB) |")
            print("| --- | --- | --- | --- | --- |")
            for name in chosen:
                filename, media_type, build = INPUTS[name]
                data = build()
                created = client.post("/admin/tenants", json={"name": name}, auth=ADMIN).json()
                key = {"Authorization": f"Bearer {created['api_key']}"}
                time.sleep(1)  # let the tree settle, then take its footprint
                rest = sum(_rss_kib(p) for p in _tree(server.pid))
                started = time.monotonic()
                with TreePeak(server.pid) as peak:
                    document = client.post(
                        "/v1/documents", files={"file": (filename, data, media_type)}, headers=key
                    ).json()
                    while (body := client.get(f"/v1/documents/{document['id']}", headers=key).json())[
                        "status"
                    ] not in ("ready", "failed"):
                        time.sleep(0.05)
                elapsed = time.monotonic() - started
                reason = f": {body['error'][:90]}" if body.get("error") else ""
                growth = max(peak.peak_kib - rest, 0) / 1024
                print(
                    f"| {name} | {len(data):,} | {body['status']}{reason} | {elapsed:.1f} | {growth:,.0f} |"
                )
            if not args.skip_slow_uploads:
                slow = client.post("/admin/tenants", json={"name": "slow"}, auth=ADMIN).json()
                other = client.post("/admin/tenants", json={"name": "other"}, auth=ADMIN).json()
                done = threading.Event()
                result: dict[str, object] = {}

                def trickle() -> None:
                    result["slow"] = slow_uploads(url, slow["api_key"], 8)
                    done.set()

                threading.Thread(target=trickle, daemon=True).start()
                time.sleep(1)
                began = time.monotonic()
                answer = client.post(
                    "/v1/documents",
                    files={"file": ("o.txt", b"Another tenant's note.", "text/plain")},
                    headers={"Authorization": f"Bearer {other['api_key']}"},
                )
                waited = time.monotonic() - began
                done.wait(700)
                statuses, longest = result["slow"]  # type: ignore[misc]
                print(
                    f"8 slow uploads (1 byte per 0.5 s) by one tenant: statuses {sorted(statuses)}, all "
                    f"answered within {longest:.1f} s; another tenant's upload meanwhile: "
                    f"{answer.status_code} in {waited:.2f} s"
                )
        finally:
            server.terminate()
            server.wait(60)


if __name__ == "__main__":
    main()
