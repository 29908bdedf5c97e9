"""Two tenants, each with canary documents; every read path is tried with the other tenant's key and ids.

Runs on the shipped embedded profile (SQLite, qdrant-edge, local blobs, the real embedding model) and
on PostgreSQL (with row-level security, as a non-superuser role) plus the `qdrant` adapter. A leak is
any response to tenant B that holds one of A's marker strings or document ids, or any write by B that
changes A's data. Add every new read path here as it appears.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from ragloom.entrypoints.http.app import create_app
from ragloom.entrypoints.settings import load_settings
from tests.conftest import REDIS_URL
from tests.helpers.mcp import mcp_session
from tests.helpers.runtime import parse_sse, wait_for_status
from tests.helpers.tenants import ADMIN, new_signing_key, onboard

# Isolation, not masking, is what these tests judge: spaCy's small model sometimes takes a random
# canary like "CANARYALPHAeffc5cfb5d-7731" for a PERSON, so the regex scrubber keeps them deterministic.
SCRUBBER = {"RAGLOOM_ADAPTERS__PII_SCRUBBER": "regex"}


def _embedded(tmp_path, request):
    env = {
        **SCRUBBER,
        "RAGLOOM_HOME": str(tmp_path / "home"),
        "RAGLOOM_ADMIN_USER": ADMIN[0],
        "RAGLOOM_ADMIN_PASSWORD": ADMIN[1],
    }
    return load_settings(environ=env)


def _postgres(tmp_path, request):
    postgres_url = request.getfixturevalue("postgres_url")
    redis_prefix = request.getfixturevalue("redis_prefix")  # the semantic cache, on the real Redis
    env = {
        **request.getfixturevalue("s3_env"),  # originals and frames in S3
        **SCRUBBER,
        "RAGLOOM_PROFILE": "production",
        "RAGLOOM_HOME": str(tmp_path / "home"),
        "RAGLOOM_DATABASE_URL": postgres_url,
        "RAGLOOM_QDRANT_URL": "unused",
        "RAGLOOM_REDIS_URL": REDIS_URL,
        "RAGLOOM_AUDIT_SIGNING_KEY": new_signing_key(),
        "RAGLOOM_ADMIN_USER": ADMIN[0],
        "RAGLOOM_ADMIN_PASSWORD": ADMIN[1],
    }
    overrides = {
        "adapters": {"job_queue": "inprocess"},
        "plugins": {
            "vector_index": {"qdrant": {"url": None, "path": str(tmp_path / "qdrant-local")}},
            "metadata_store": {"sqlalchemy": {"pool_size": 5, "max_overflow": 5}},
            "semantic_cache": {"redis": {"key_prefix": f"{redis_prefix}:cache"}},
        },
    }
    return load_settings(environ=env, overrides=overrides)


class Tenant:
    def __init__(self, tenant_id: str, headers: dict[str, str], marker: str) -> None:
        self.id, self.headers, self.marker = tenant_id, headers, marker
        self.documents: list[str] = []
        self.canary = (
            f"The vault code of project {marker} is {marker}-7731. Only this tenant knows about {marker}."
        ).encode()

    def get(self, client):
        headers = self.headers

        class Keyed:
            async def get(self, url):
                return await client.get(url, headers=headers)

        return Keyed()


@pytest.fixture(params=["embedded", pytest.param("postgres", marks=pytest.mark.postgres)])
def isolation_settings(request, tmp_path):
    build = _embedded if request.param == "embedded" else _postgres
    return build(tmp_path, request)


@pytest.fixture
async def world(isolation_settings):
    app = create_app(isolation_settings)
    async with app.router.lifespan_context(app):
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ragloom.test")
        tenants = []
        for name in ("Alpha", "Beta"):
            tenant_id, headers = await onboard(client, name)
            tenant = Tenant(tenant_id, headers, f"CANARY{name.upper()}{uuid.uuid4().hex[:10]}")
            for i, suffix in enumerate(["md", "txt"]):
                body = tenant.canary + f" Copy {i}.".encode()
                response = await client.post(
                    "/v1/documents", files={"file": (f"{tenant.marker}.{suffix}", body)}, headers=headers
                )
                assert response.status_code == 201, response.text
                tenant.documents.append(response.json()["id"])
            for document_id in tenant.documents:
                assert (await wait_for_status(tenant.get(client), document_id))["status"] == "ready"
            tenants.append(tenant)
        yield client, tenants[0], tenants[1]
        await client.aclose()


def _assert_no_trace_of(owner: Tenant, text: str) -> None:
    assert owner.marker not in text
    for document_id in owner.documents:
        assert document_id not in text


async def test_the_owner_sees_its_own_canaries(world):
    client, a, _ = world
    listed = (await client.get("/v1/documents", headers=a.headers)).text
    assert all(document_id in listed for document_id in a.documents)
    response = await client.post(
        "/v1/query", json={"question": f"What is the vault code of {a.marker}?"}, headers=a.headers
    )
    assert f"{a.marker}-7731" in parse_sse(response.text)[-1][1]["answer"]


async def test_search_and_query_stream_never_reach_the_other_tenant(world):
    client, a, b = world
    for question in (f"What is the vault code of project {a.marker}?", a.marker, "vault code"):
        for body in ({"question": question}, {"question": question, "tenant_id": a.id, "tenant": a.id}):
            response = await client.post(
                f"/v1/query?tenant_id={a.id}",
                json=body,
                headers={**b.headers, "X-Tenant-Id": a.id},
            )
            assert response.status_code == 200
            _assert_no_trace_of(a, response.text)
            done = parse_sse(response.text)[-1][1]
            assert {c["document_id"] for c in done["citations"]} <= set(b.documents)


async def test_document_list_and_get_never_show_the_other_tenant(world):
    client, a, b = world
    listed = await client.get(f"/v1/documents?tenant_id={a.id}&limit=1000", headers=b.headers)
    assert {d["id"] for d in listed.json()["documents"]} == set(b.documents)
    _assert_no_trace_of(a, listed.text)
    for document_id in a.documents:
        await _assert_same_as_a_missing_id(client, "GET", document_id, b)


async def _assert_same_as_a_missing_id(
    client, method: str, document_id: str, caller: Tenant, suffix: str = ""
) -> None:
    """Another tenant's id answers exactly as an id that never existed: 404, not 403 (no oracle)."""
    missing = str(uuid.uuid4())
    response = await client.request(method, f"/v1/documents/{document_id}{suffix}", headers=caller.headers)
    reference = await client.request(method, f"/v1/documents/{missing}{suffix}", headers=caller.headers)
    assert response.status_code == reference.status_code == 404
    assert response.text.replace(document_id, missing) == reference.text


async def test_the_original_is_linked_to_its_owner_only(world):
    client, a, b = world
    for document_id in a.documents:
        await _assert_same_as_a_missing_id(client, "GET", document_id, b, "/original")
        await _assert_same_as_a_missing_id(client, "GET", document_id, b, "/frames/1")
    link = await client.get(f"/v1/documents/{a.documents[0]}/original", headers=a.headers)
    assert link.status_code == 307
    location = link.headers["location"]
    if location.startswith(("http://ragloom.test/", "/files/")):  # a link the app signs and serves
        assert a.marker.encode() in (await client.get(location)).content
        forged = location.replace(f"/files/{a.id}/", f"/files/{b.id}/")
        assert (await client.get(forged)).status_code == 403  # a link names one tenant's file only
    else:  # the blob store's own presigned URL (S3): it names the owner's object only
        assert f"/{a.id}/documents/{a.documents[0]}/" in location and b.id not in location
        async with httpx.AsyncClient() as outside:
            assert a.marker.encode() in (await outside.get(location)).content


async def test_delete_of_the_other_tenants_document_is_404_and_removes_nothing(world):
    client, a, b = world
    for document_id in a.documents:
        await _assert_same_as_a_missing_id(client, "DELETE", document_id, b)
    for document_id in a.documents:
        assert (await client.get(f"/v1/documents/{document_id}", headers=a.headers)).json()[
            "status"
        ] == "ready"
    answer = await client.post("/v1/query", json={"question": f"vault code of {a.marker}"}, headers=a.headers)
    assert f"{a.marker}-7731" in answer.text


async def test_the_same_bytes_upload_is_no_deduplication_oracle(world):
    client, a, b = world
    response = await client.post(
        "/v1/documents", files={"file": ("copy.md", a.canary + b" Copy 0.")}, headers=b.headers
    )
    assert response.status_code == 201  # a new document of B's, not A's existing one
    assert response.json()["id"] not in a.documents


async def test_audit_export_and_forward_auth_stay_within_the_tenant(world):
    client, a, b = world
    exported = await client.get(f"/v1/audit?tenant_id={a.id}", headers=b.headers)
    records = [json.loads(line) for line in exported.text.splitlines()]
    assert records and {r["chain"] for r in records} == {b.id} and {r["tenant_id"] for r in records} == {b.id}
    _assert_no_trace_of(a, exported.text)
    assert a.id not in exported.text
    verified = await client.get("/auth/verify", headers={**b.headers, "X-Tenant-Id": a.id})
    assert verified.headers["x-tenant-id"] == b.id


async def test_the_tenant_endpoint_describes_the_caller_only(world):
    client, a, b = world
    response = await client.get(f"/v1/tenant?tenant_id={a.id}", headers={**b.headers, "X-Tenant-Id": a.id})
    body = response.json()
    assert body["id"] == b.id and body["usage"]["documents"] == len(b.documents)
    assert a.id not in response.text


async def test_the_other_tenants_admin_routes_are_closed_to_a_tenant_key(world):
    client, a, b = world
    for method, path in [
        ("GET", "/admin/tenants"),
        ("GET", f"/admin/tenants/{a.id}"),
        ("DELETE", f"/admin/tenants/{a.id}"),
        ("POST", f"/admin/tenants/{a.id}/keys"),
    ]:
        response = await client.request(method, path, headers=b.headers)
        assert response.status_code == 401
        _assert_no_trace_of(a, response.text)


async def test_deleting_one_tenant_leaves_the_other_whole(world):
    client, a, b = world
    receipt = await client.delete(f"/admin/tenants/{b.id}", auth=httpx.BasicAuth(*ADMIN))
    assert receipt.json()["removed"]["documents_rows"] == 2
    listed = (await client.get("/v1/documents", headers=a.headers)).json()["documents"]
    assert {d["id"] for d in listed} == set(a.documents)
    answer = await client.post("/v1/query", json={"question": f"vault code of {a.marker}"}, headers=a.headers)
    assert f"{a.marker}-7731" in answer.text


async def test_the_semantic_cache_never_answers_another_tenant(world):
    client, a, b = world
    question = f"What is the vault code of project {a.marker}?"
    first = parse_sse((await client.post("/v1/query", json={"question": question}, headers=a.headers)).text)
    again = parse_sse((await client.post("/v1/query", json={"question": question}, headers=a.headers)).text)
    assert first[-1][1]["cached"] is False and again[-1][1]["cached"] is True
    assert again[-1][1]["answer"] == first[-1][1]["answer"] and f"{a.marker}-7731" in again[-1][1]["answer"]
    asked_by_b = await client.post("/v1/query", json={"question": question}, headers=b.headers)
    _assert_no_trace_of(a, asked_by_b.text)
    assert parse_sse(asked_by_b.text)[-1][1]["cached"] is False
    messages = [{"role": "user", "content": question}]
    completion = await client.post("/v1/chat/completions", json={"messages": messages}, headers=b.headers)
    _assert_no_trace_of(a, completion.text)
    assert completion.json()["ragloom"]["cached"] is True  # B's own answer of a moment ago, not A's
    receipt = await client.delete(f"/admin/tenants/{a.id}", auth=httpx.BasicAuth(*ADMIN))
    assert receipt.json()["removed"]["cache_entries"] == 1


async def test_mcp_tools_never_reach_the_other_tenant(world):
    client, a, b = world
    async with mcp_session(client._transport.app, b.headers) as session:
        results = [
            await session.call_tool("list_documents", {}),
            await session.call_tool("search", {"query": f"vault code of project {a.marker}", "top_n": 50}),
            await session.call_tool("ask", {"question": f"What is the vault code of project {a.marker}?"}),
        ]
        missing = str(uuid.uuid4())
        reference = await session.call_tool("get_document", {"document_id": missing})
        for document_id in a.documents:  # answered exactly as an id that never existed
            result = await session.call_tool("get_document", {"document_id": document_id})
            assert result.is_error and reference.is_error
            assert result.content[0].text.replace(document_id, missing) == reference.content[0].text
    for result in results:
        _assert_no_trace_of(a, json.dumps(result.model_dump(mode="json")))
