"""The HTTP API end to end on the embedded profile, and its answers to bad input."""

import json
import re
from pathlib import Path

import httpx
import pytest

from ragloom.core.models import DocumentStatus
from ragloom.entrypoints.http.app import ROUTES
from tests.e2e.scenario import run_scenario, upload
from tests.helpers.runtime import wait_for_status
from tests.helpers.tenants import ADMIN


async def test_text_question_answered_end_to_end(client):
    await run_scenario(client)


async def test_unsupported_type_is_415(client):
    response = await upload(client, "tool.exe", b"MZ\x90\x00", "application/x-msdownload")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


async def test_empty_file_is_400(client):
    response = await upload(client, "empty.txt", b"", "text/plain")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_input"


async def test_over_the_maximum_size_is_413(client):
    response = await upload(client, "big.txt", b"word " * 50_000, "text/plain")
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"
    assert (await client.get("/v1/documents")).json()["documents"] == []


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({"content-type": "multipart/form-data; boundary=xyz"}, b"--xyz\r\nnot a part"),
        ({"content-type": "multipart/form-data"}, b"no boundary at all"),
        ({"content-type": "application/json"}, b'{"file": "x"}'),
        (
            {"content-type": "multipart/form-data; boundary=xyz"},
            b'--xyz\r\nContent-Disposition: form-data; name="other"\r\n\r\nvalue\r\n--xyz--\r\n',
        ),
    ],
)
async def test_malformed_multipart_is_400(client, headers, body):
    response = await client.post("/v1/documents", content=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"


@pytest.mark.parametrize(
    "document_id", ["0b7f8c1e-2d9a-4c1e-9f3a-111111111111", "not-a-uuid", "..%2F..%2Fetc"]
)
async def test_unknown_document_is_404(client, document_id):
    for method in ("GET", "DELETE"):
        response = await client.request(method, f"/v1/documents/{document_id}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


async def test_corrupt_pdf_fails_with_a_reason_while_the_worker_goes_on(client):
    bad = await upload(client, "broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog", "application/pdf")
    good = await upload(client, "ok.txt", b"Otters hold hands while they sleep.", "text/plain")
    assert bad.status_code == good.status_code == 201
    failed = await wait_for_status(client, bad.json()["id"])
    assert failed["status"] == "failed" and "PDF" in failed["error"]
    assert (await wait_for_status(client, good.json()["id"]))["status"] == "ready"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "send JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"question": 5}', "must be a string"),
        (b'{"question": "   "}', "empty"),
        (b'{"question": "ok", "history": [{"role": "system", "content": "x"}]}', "history"),
        (b'{"question": "ok", "history": [{"role": {}, "content": ""}]}', "history"),
        (b'{"question": "ok", "history": "not a list"}', "history"),
    ],
)
async def test_bad_queries_are_400(client, body, message):
    response = await client.post("/v1/query", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400 and message in response.json()["error"]["message"]


async def test_paging_parameters_are_checked(client):
    assert (await client.get("/v1/documents?limit=0")).status_code == 400
    assert (await client.get("/v1/documents?offset=abc")).status_code == 400
    assert (await client.get("/v1/documents?limit=5&offset=0")).json()["limit"] == 5


async def test_unknown_route_and_method_answer_json(client):
    response = await client.get("/v2/nothing")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = await client.put("/v1/query")
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


async def test_health_and_readiness(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    anonymous = await client.get("/readyz", headers={"Authorization": ""})
    assert anonymous.json() == {"status": "ready"}  # no paths or hosts for the unauthenticated
    as_tenant = await client.get("/readyz")
    assert as_tenant.json() == {"status": "ready"}
    ready = (await client.get("/readyz", auth=httpx.BasicAuth(*ADMIN))).json()
    assert ready["status"] == "ready"
    assert ready["checks"]["vector_index"] == "ok" and ready["checks"]["metadata_store"] == "ok"


async def test_openapi_document_lists_exactly_the_routes(client):
    served = (await client.get("/openapi.json")).json()
    assert served["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, ops in served["paths"].items() for method in ops}
    routed = {(re.sub(r":\w+}", "}", r.path), m) for r in ROUTES for m in r.methods if m != "HEAD"}
    assert documented == routed
    schemas = served["components"]["schemas"]
    named = set(re.findall(r'"#/components/schemas/(\w+)"', json.dumps(served)))
    assert {"Document", "Done", "Citation", "TenantCreate", "ChatCompletion"} <= named <= set(schemas)
    assert schemas["DocumentStatus"]["enum"] == [status.value for status in DocumentStatus]
    assert set(schemas["Query"]["required"]) == {"question"}


async def test_markdown_title_and_html_scripts(client):
    created = await upload(
        client, "notes.md", b"# Field Notes\n\nThe heron waited by the reeds.", "text/markdown"
    )
    body = await wait_for_status(client, created.json()["id"])
    assert body["status"] == "ready"
    page = b"<html><body><script>secretToken()</script><p>Visible words about lynx.</p></body></html>"
    created = await upload(client, "p.html", page, "text/html")
    await wait_for_status(client, created.json()["id"])
    from tests.helpers.runtime import parse_sse

    done = parse_sse((await client.post("/v1/query", json={"question": "lynx"})).text)[-1][1]
    assert all("secretToken" not in c["text"] for c in done["citations"])


async def test_word_document_is_ingested_and_cited(client):
    from tests.contract.test_text_extractor import DOCX, make_docx

    created = await upload(client, "harbour.docx", make_docx(), DOCX)
    assert created.status_code == 201 and created.json()["media_type"] == DOCX
    assert (await wait_for_status(client, created.json()["id"]))["status"] == "ready"
    from tests.helpers.runtime import parse_sse

    done = parse_sse(
        (await client.post("/v1/query", json={"question": "When was the harbour dredged?"})).text
    )[-1][1]
    assert "dredged in March" in done["answer"]
    assert done["citations"][0]["source"] == "harbour.docx"


async def test_an_emails_attachments_are_listed_under_it_and_go_with_it(client):
    from tests.helpers.documents import mail

    data = mail(
        "Dues", "The dues are attached.", attachments=[("dues.txt", "text/plain", b"Berths cost 38 pounds.")]
    )
    created = await upload(client, "dues.eml", data, "message/rfc822")
    message = await wait_for_status(client, created.json()["id"])
    assert (message["status"], message["parent_id"]) == ("ready", None)
    listed = (await client.get("/v1/documents", params={"parent_id": message["id"]})).json()["documents"]
    assert [(d["filename"], d["parent_id"]) for d in listed] == [("dues.txt", message["id"])]
    for bad in ("not-a-uuid", "0b7f8c1e-2d9a-4c1e-9f3a-111111111111"):
        response = await client.get("/v1/documents", params={"parent_id": bad})
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert (await client.delete(f"/v1/documents/{message['id']}")).status_code == 204
    assert (await client.get(f"/v1/documents/{listed[0]['id']}")).status_code == 404


async def test_the_original_comes_back_through_a_time_limited_link(client):
    data = b"Lighthouse keepers logged every passing ship.\n" * 1000
    created = (await upload(client, "log.txt", data, "text/plain")).json()
    link = await client.get(f"/v1/documents/{created['id']}/original")
    assert link.status_code == 307 and link.headers["location"] == link.json()["url"]
    assert link.json()["expires_at"] > 0
    unauthenticated = client.headers.pop("authorization")
    try:
        fetched = await client.get(link.headers["location"])  # the link alone is the credential
        assert fetched.status_code == 200 and fetched.content == data
        assert fetched.headers["content-type"].startswith("text/plain")
        assert "log.txt" in fetched.headers["content-disposition"]
        tampered = link.headers["location"].replace("expires=", "expires=9")
        assert (await client.get(tampered)).status_code == 403
    finally:
        client.headers["authorization"] = unauthenticated


@pytest.mark.parametrize(
    "name",
    [
        "../../../../tmp/ragloom-escape.txt",
        "..\\..\\ragloom-escape.txt",
        "/etc/ragloom-escape.txt",
        "a\x00b\n.txt",
    ],
)
async def test_a_file_name_never_reaches_the_file_system(client, embedded_settings, name):
    created = await upload(client, name, f"Kestrels hover over the dunes ({name!r}).".encode(), "text/plain")
    assert created.status_code == 201, created.text
    stored = created.json()["filename"]
    assert "/" not in stored and "\\" not in stored and "\x00" not in stored and "\n" not in stored
    assert (await wait_for_status(client, created.json()["id"]))["status"] == "ready"
    home = Path(embedded_settings.home)
    assert not [p for p in home.rglob("*") if "escape" in p.name or p.stem == "ab"]
    assert not Path("/tmp/ragloom-escape.txt").exists() and not Path("/etc/ragloom-escape.txt").exists()


async def test_a_file_name_past_the_multipart_header_limit_is_named_as_such(client):
    created = await upload(client, "n" * 5000 + ".txt", b"Kestrels hover over the dunes.", "text/plain")
    assert created.status_code == 400
    message = created.json()["error"]["message"]
    assert "header line is over 4224 bytes" in message and "file name" in message
    kept = await upload(client, "n" * 1000 + ".txt", b"Kestrels hover over the dunes.", "text/plain")
    assert kept.status_code == 201 and len(kept.json()["filename"]) == 255
