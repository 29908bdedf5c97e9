"""Hostile originals and faults against a real `ragloom serve` (embedded profile, hashing embedder).

Each hostile file is built here: small to upload, huge to expand or slow to parse. What must hold: a
bounded outcome (`failed` naming the limit, or `ready`) in bounded time, the server's memory under
a stated bound, and other tenants answered meanwhile; a killed extraction process fails its document,
not the service; a document whose ingestion keeps dying with the server is failed after the
configured attempts and never queued again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.helpers import documents
from tests.helpers.hostile import (
    docx_bomb,
    docx_entity_expansion,
    docx_lying_sizes,
    html_flat,
    html_nested,
    pdf_shared_stream,
    video_of_size,
)
from tests.helpers.server import free_port, wait_until_ok
from tests.helpers.tenants import ADMIN

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SLIDES = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The service process may grow this much over its footprint at start while it serves hostile files
# (each extraction worker has its own limit). The footprint itself (about 590 MiB here with the
# hashing embedder: spaCy, which loads torch, and the Whisper model) is not what these tests judge.
SERVER_GROWTH_BOUND_MIB = 150
RAGLOOM = [sys.executable, "-m", "ragloom.entrypoints.cli"]


def _env(home: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")}
    env |= {
        "RAGLOOM_HOME": str(home),
        "RAGLOOM_ADAPTERS__TEXT_EMBEDDER": "hashing",
        # What is judged is extraction; Presidio would add its own time on hostile text (a page of
        # 40,000 tiny paragraphs took 42 s to scrub here, other tenants answered meanwhile).
        "RAGLOOM_ADAPTERS__PII_SCRUBBER": "regex",
        "RAGLOOM_ADMIN_USER": ADMIN[0],
        "RAGLOOM_ADMIN_PASSWORD": ADMIN[1],
        # 40 s: the PDF bomb reaches max_characters in about 24 s here while the bystander asks 800
        # questions on the same two cores (under 20 s at commit c018b3b; what slowed it is not known).
        "RAGLOOM_EXTRACTION__TIMEOUT_SECONDS": "40",
        **settings,
    }
    return env


class Server:
    def __init__(self, process: subprocess.Popen, url: str, home: Path) -> None:
        self.process, self.url, self.home = process, url, home
        self.client = httpx.Client(base_url=url, timeout=60)
        self.footprint_kib = _status_kib(process.pid, "VmRSS")

    def key(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {(self.home / 'default-api-key').read_text().strip()}"}

    def onboard(self, name: str) -> dict[str, str]:
        response = self.client.post("/admin/tenants", json={"name": name}, auth=ADMIN)
        assert response.status_code == 201, response.text
        return {"Authorization": f"Bearer {response.json()['api_key']}"}

    def upload(self, headers: dict[str, str], name: str, data: bytes, media_type: str) -> dict:
        response = self.client.post(
            "/v1/documents", files={"file": (name, data, media_type)}, headers=headers
        )
        assert response.status_code in (200, 201), response.text
        return response.json()

    def document(self, headers: dict[str, str], document_id: str) -> dict:
        return self.client.get(f"/v1/documents/{document_id}", headers=headers).json()

    def settle(self, headers: dict[str, str], document_id: str, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            body = self.document(headers, document_id)
            if body.get("status") in ("ready", "failed") or time.monotonic() > deadline:
                return body
            time.sleep(0.1)

    def growth_mib(self) -> float:
        """How far the process's peak resident memory rose over its footprint once ready."""
        return (_status_kib(self.process.pid, "VmHWM") - self.footprint_kib) / 1024

    def extraction_workers(self) -> list[int]:
        """The sandbox's workers: grandchildren of the server (through the fork server)."""
        return [grandchild for child in _children(self.process.pid) for grandchild in _children(child)]


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"{field} not found for {pid}")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@contextmanager
def serving(home: Path, **settings: str) -> Iterator[Server]:
    port = free_port()
    process = subprocess.Popen(
        [*RAGLOOM, "serve", "--port", str(port)], env=_env(home, **settings), stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_ok(f"{url}/readyz", process, 120)
    server = Server(process, url, home)
    try:
        yield server
    finally:
        server.client.close()
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("hostile") / "home") as running:
        yield running


def _video(width: int, height: int) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return video_of_size(Path(folder) / "bomb.mp4", width, height).read_bytes()


def _html_attributes(count: int) -> bytes:
    return b"<html><body><p " + b" ".join(b'a%d=""' % i for i in range(count)) + b">x</p></body></html>"


HOSTILE = {
    "docx-bomb": ("bomb.docx", lambda: docx_bomb(1_150_000_000), DOCX, "failed", "max_expanded_bytes"),
    "docx-lying-sizes": (
        "liar.docx",
        lambda: docx_lying_sizes(1_000_000_000, 2000),
        DOCX,
        "failed",
        "damaged: Bad CRC-32",
    ),
    "docx-entities": ("laughs.docx", docx_entity_expansion, DOCX, "failed", "entity declarations"),
    "html-1m-attributes": (
        "attrs.html",
        lambda: _html_attributes(1_000_000),
        "text/html",
        "failed",
        "max_tag_bytes",
    ),
    "video-8000-square": ("wide.mp4", lambda: _video(8000, 8000), "video/mp4", "failed", "video.max_pixels"),
    "html-40k-tags": ("flat.html", lambda: html_flat(40_000), "text/html", "ready", None),
    "html-100k-nested": ("deep.html", lambda: html_nested(100_000), "text/html", "ready", None),
    "pdf-shared-stream": (
        "amplified.pdf",
        lambda: pdf_shared_stream(50, 1_280_000),
        "application/pdf",
        "failed",
        "max_characters",
    ),
    "pptx-bomb": ("bomb.pptx", lambda: documents.zip_bomb("pptx"), SLIDES, "failed", "max_expanded_bytes"),
    "xlsx-million-empty-rows": (
        "empty.xlsx",
        lambda: documents.empty_rows(1_000_000),
        SHEET,
        "failed",
        "max_rows",
    ),
    "eml-1000-attachments": (
        "many.eml",
        lambda: documents.many_attachments(1000),
        "message/rfc822",
        "failed",
        "max_attachments",
    ),
    "pdf-40000-point-page": (
        "poster.pdf",
        lambda: documents.poster_pdf(40_000),
        "application/pdf",
        "failed",
        "max_page_pixels",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_file_ends_bounded_while_other_tenants_are_served(server, case):
    name, build, media_type, outcome, limit = HOSTILE[case]
    other = server.onboard(f"Bystander {case}")
    server.upload(other, "note.txt", f"The bystander keeps bees ({case}).".encode(), "text/plain")
    data = build()
    attacker = server.onboard(f"Attacker {case}")
    started = time.monotonic()
    document = server.upload(attacker, name, data, media_type)
    answered = []
    while True:  # the bystander asks at least once, even when the hostile file is refused at once
        began = time.monotonic()
        response = server.client.post("/v1/query", json={"question": "Who keeps bees?"}, headers=other)
        assert response.status_code == 200 and "event: done" in response.text
        answered.append(time.monotonic() - began)
        if (status := server.document(attacker, document["id"])["status"]) in ("ready", "failed"):
            break
        assert time.monotonic() - started < 60, f"{case} still {status} after 60 s"
    elapsed = time.monotonic() - started
    final = server.document(attacker, document["id"])
    assert final["status"] == outcome, final
    if limit:
        assert limit in final["error"]
    assert max(answered) < 5, f"slowest of {len(answered)} answers: {max(answered):.1f} s"
    assert server.growth_mib() < SERVER_GROWTH_BOUND_MIB
    print(
        f"{case}: {len(data)} bytes -> {outcome} in {elapsed:.1f} s; {len(answered)} other queries answered; "
        f"server grew {server.growth_mib():.0f} MiB"
    )


def test_a_killed_extraction_process_fails_its_document_not_the_service(server):
    tenant = server.onboard("Unlucky")
    # A small PDF first, so an extraction process is up and idle: a busy one is then extracting, not
    # still starting (a process killed while it starts fails the document as "did not start").
    warm = server.upload(tenant, "warm.pdf", pdf_shared_stream(1, 1_000), "application/pdf")
    server.settle(tenant, warm["id"], 30)
    slow = server.upload(tenant, "slow.pdf", pdf_shared_stream(40, 1_280_000), "application/pdf")
    deadline = time.monotonic() + 30
    while not (workers := [pid for pid in server.extraction_workers() if _cpu_busy(pid)]):
        assert time.monotonic() < deadline, "no extraction process got busy"
        time.sleep(0.2)
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    final = server.settle(tenant, slow["id"], 30)
    assert final["status"] == "failed" and "extraction process stopped" in final["error"], final
    after = server.upload(tenant, "fine.txt", b"Honey is stored in wax cells.", "text/plain")
    assert server.settle(tenant, after["id"], 30)["status"] == "ready"
    assert server.process.poll() is None


def _cpu_busy(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return int(fields[11]) + int(fields[12]) > 50  # utime + stime, in clock ticks


def test_a_document_that_keeps_dying_with_the_server_is_failed_and_never_queued_again(tmp_path):
    home = tmp_path / "home"
    slow = {"RAGLOOM_PLUGINS__MEDIA_EXTRACTOR__TEXT__MAX_CHARACTERS": "1000000000"}
    with serving(home, **slow) as first:
        key = first.key()
        document = first.upload(key, "crash.pdf", pdf_shared_stream(50, 1_280_000), "application/pdf")
        _wait_status(first, key, document["id"], "processing")
        first.process.kill()  # kill -9 while it is processing: attempt 1
        first.process.wait()
    for _ in range(2):  # attempts 2 and 3 die the same way
        with serving(home, **slow) as again:
            _wait_status(again, key, document["id"], "processing")
            again.process.kill()
            again.process.wait()
    with serving(home, **slow) as last:
        final = last.settle(key, document["id"], 20)
        assert final["status"] == "failed" and "gave up after 3 attempts" in final["error"], final
    with serving(home, **slow) as restarted:  # a failed document is never queued at start again
        time.sleep(1)
        assert restarted.document(key, document["id"])["status"] == "failed"


def _wait_status(server: Server, key: dict[str, str], document_id: str, status: str) -> None:
    deadline = time.monotonic() + 30
    while server.document(key, document_id).get("status") != status:
        assert time.monotonic() < deadline, f"document never {status}"
        time.sleep(0.05)


def _descendants(pid: int) -> list[int]:
    found, frontier = [], [pid]
    while frontier:
        children = _children(frontier.pop())
        found += children
        frontier += children
    return found


def _running(pid: int) -> str | None:
    """The process's command line while it runs (a zombie or a gone pid: None)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    return None if state == "Z" else command[:160]


def test_a_server_killed_with_sigkill_leaves_no_process_behind(tmp_path):
    """Every helper (the PII analyser, the extraction fork server and its workers, the resource
    tracker) dies with the service, so a restarted one does not run beside the last one's."""
    with serving(tmp_path / "home", RAGLOOM_ADAPTERS__PII_SCRUBBER="presidio") as server:
        key = server.key()
        long = ("The harbour handled many ships that year, said Mary Jones. " * 200).encode()
        document = server.upload(key, "long.txt", long, "text/plain")  # over inline_chars: the helper
        assert server.settle(key, document["id"], 120)["status"] == "ready"
        helpers = {pid: _running(pid) for pid in _descendants(server.process.pid)}
        assert any(
            "presidio" in (command or "") or "spawn_main" in (command or "") for command in helpers.values()
        )
        assert any("forkserver" in (command or "") for command in helpers.values()), helpers
        server.process.kill()
        server.process.wait()
        deadline = time.monotonic() + 20
        while left := {pid: command for pid in helpers if (command := _running(pid))}:
            assert time.monotonic() < deadline, f"still running 20 s after the server's SIGKILL: {left}"
            time.sleep(0.2)


def test_the_memory_and_time_limits_of_an_extraction_name_themselves(tmp_path):
    settings = {
        "RAGLOOM_EXTRACTION__MEMORY_BYTES": str(400 << 20),
        "RAGLOOM_EXTRACTION__MEMORY_BYTES_BY_MODALITY": '{"text": ' + str(400 << 20) + "}",
        "RAGLOOM_EXTRACTION__TIMEOUT_SECONDS": "3",
        "RAGLOOM_PLUGINS__MEDIA_EXTRACTOR__TEXT__MAX_CHARACTERS": "1000000000",
        "RAGLOOM_HTTP__MAX_UPLOAD_BYTES": str(64 << 20),
    }
    with serving(tmp_path / "home", **settings) as server:
        key = server.key()
        big = server.upload(key, "big.txt", (b"word " * 12 + b"\n") * (60_000_000 // 61), "text/plain")
        slow = server.upload(key, "slow.pdf", pdf_shared_stream(50, 1_280_000), "application/pdf")
        memory = server.settle(key, big["id"], 60)
        timed = server.settle(key, slow["id"], 60)
        assert memory["status"] == "failed" and "extraction.memory_bytes" in memory["error"], memory
        assert timed["status"] == "failed" and "extraction.timeout_seconds" in timed["error"], timed
        assert server.growth_mib() < SERVER_GROWTH_BOUND_MIB


def test_deleting_a_document_stops_its_extraction_at_once(server):
    tenant = server.onboard("Impatient")
    slow = server.upload(tenant, "slow.pdf", pdf_shared_stream(40, 1_280_000), "application/pdf")
    _wait_status(server, tenant, slow["id"], "processing")
    before = set(server.extraction_workers())
    deadline = time.monotonic() + 30
    while not [pid for pid in before if _cpu_busy(pid)]:
        assert time.monotonic() < deadline
        time.sleep(0.1)
        before = set(server.extraction_workers())
    busy = [pid for pid in before if _cpu_busy(pid)]
    assert server.client.delete(f"/v1/documents/{slow['id']}", headers=tenant).status_code == 204
    assert server.client.get(f"/v1/documents/{slow['id']}", headers=tenant).status_code == 404
    time.sleep(1)
    assert not set(busy) & set(server.extraction_workers())  # its worker was killed, not left burning


def test_files_are_private_whatever_the_umask(tmp_path):
    home = tmp_path / "home"
    previous = os.umask(0o022)
    try:
        with serving(home) as server:
            key = server.key()
            document = server.upload(key, "a.txt", b"Private chunk text about herons.", "text/plain")
            assert server.settle(key, document["id"], 30)["status"] == "ready"
    finally:
        os.umask(previous)
    loose = [
        (str(path.relative_to(home)), oct(path.stat().st_mode & 0o777))
        for path in [home, *home.rglob("*")]
        if path.stat().st_mode & 0o077
    ]
    assert loose == []


def test_a_second_server_on_the_same_home_says_so_in_one_line(server):
    env = _env(server.home)
    result = subprocess.run(
        [*RAGLOOM, "serve", "--port", str(free_port())], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "already serves" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


def test_immutable_database_files_give_503s_and_the_service_recovers(tmp_path):
    with serving(tmp_path / "home") as server:
        key = server.key()
        first = server.upload(key, "a.txt", b"Before the files froze.", "text/plain")
        assert server.settle(key, first["id"], 30)["status"] == "ready"
        files = sorted(str(p) for p in server.home.glob("ragloom.sqlite3*"))
        frozen = subprocess.run(["chattr", "+i", *files], capture_output=True, text=True)
        if frozen.returncode != 0:
            pytest.fail(f"chattr is needed for this test: {frozen.stderr}")
        try:
            for n in range(5):
                response = server.client.post(
                    "/v1/documents", files={"file": (f"b{n}.txt", f"frozen {n}".encode())}, headers=key
                )
                assert response.status_code == 503 and response.headers.get("retry-after"), response.text
                assert server.client.get("/v1/documents", headers=key).status_code in (200, 503)
                assert server.process.poll() is None
        finally:
            subprocess.run(["chattr", "-i", *files], check=True)
        later = server.upload(key, "c.txt", b"After the files thawed.", "text/plain")
        assert server.settle(key, later["id"], 30)["status"] == "ready"
