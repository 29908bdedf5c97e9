"""The MCP server at /mcp, driven by the official `mcp` SDK's own client over streamable HTTP on the
shipped embedded profile: the tools are listed and each is called as one tenant; another tenant's
key sees none of it; no key, no session."""

from __future__ import annotations

import json

import httpx2
import pytest

from tests.e2e.scenario import upload
from tests.helpers.mcp import mcp_session
from tests.helpers.runtime import bearer, default_key, wait_for_status
from tests.helpers.tenants import onboard

LIGHTHOUSE = (
    b"# The Brightwater Lighthouse\n\nThe Brightwater lighthouse was built in 1871 on a basalt reef. "
    b"Its lamp is visible for 22 nautical miles."
)
QUESTION = "How far is the Brightwater lighthouse lamp visible?"


async def call(session, tool, arguments):
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, result.content
    return result.structured_content


@pytest.fixture
async def document_id(client):
    created = await upload(client, "lighthouse.md", LIGHTHOUSE)
    assert (await wait_for_status(client, created.json()["id"]))["status"] == "ready"
    return created.json()["id"]


async def test_every_tool_answers_for_the_keys_tenant(client, embedded_settings, document_id):
    async with mcp_session(client.app, bearer(default_key(embedded_settings))) as session:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        assert set(tools) == {"search", "ask", "list_documents", "get_document"}
        assert all(tool.description for tool in tools.values())

        found = await call(session, "search", {"query": QUESTION, "top_n": 3})
        assert found["passages"][0]["document_id"] == document_id
        assert "22 nautical miles" in found["passages"][0]["text"] and found["passages"][0]["rank"] == 1

        answered = await call(session, "ask", {"question": QUESTION})
        assert "22 nautical miles" in answered["answer"] and answered["no_answer"] is False
        assert answered["citations"][0]["source"] == "lighthouse.md"
        unknown = await call(session, "ask", {"question": "What is the boiling point of tungsten?"})
        assert unknown["no_answer"] is True and unknown["citations"] == []

        listed = await call(session, "list_documents", {})
        assert [d["id"] for d in listed["documents"]] == [document_id]
        got = await call(session, "get_document", {"document_id": document_id})
        assert got["filename"] == "lighthouse.md" and got["status"] == "ready"

        missing = await session.call_tool(
            "get_document", {"document_id": "00000000-0000-0000-0000-000000000000"}
        )
        assert missing.is_error and "not_found" in missing.content[0].text
        bad = await session.call_tool("search", {"query": "   "})
        assert bad.is_error and "empty" in bad.content[0].text
    audit = [json.loads(line) for line in (await client.get("/v1/audit")).text.splitlines()]
    assert [r["action"] for r in audit].count("query.answer") == 2  # asked through MCP, audited


async def test_another_tenants_key_sees_nothing_of_the_first(client, document_id):
    _, other = await onboard(client, "Other")
    async with mcp_session(client.app, other) as session:
        assert (await call(session, "list_documents", {}))["documents"] == []
        found = await call(session, "search", {"query": QUESTION})
        assert all(p["document_id"] != document_id for p in found["passages"])
        answered = await call(session, "ask", {"question": QUESTION})
        assert "22 nautical miles" not in json.dumps(answered) and answered["no_answer"] is True
        denied = await session.call_tool("get_document", {"document_id": document_id})
        assert denied.is_error and "not_found" in denied.content[0].text


async def test_no_key_no_session(client):
    transport = httpx2.ASGITransport(app=client.app)
    async with httpx2.AsyncClient(transport=transport) as http:
        response = await http.post(
            "http://ragloom.test/mcp",
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers={"Accept": "application/json, text/event-stream"},
        )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "body", "content_type", "status"),
    [
        ("POST", b"", "application/json", 400),
        ("POST", b"{not json", "application/json", 400),
        ("POST", b"[]", "application/json", 400),
        ("POST", b'{"jsonrpc": "2.0"}', "application/json", 400),
        ("POST", b"{}", "text/plain", 400),
        ("POST", b"x" * 5_000_000, "application/json", 413),
        ("GET", b"", "application/json", 405),  # stateless: no stream is held open
        ("DELETE", b"", "application/json", 405),
    ],
)
async def test_malformed_oversized_and_wrong_requests_get_a_clear_4xx(
    client, method, body, content_type, status
):
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": content_type}
    response = await client.request(method, "/mcp", content=body, headers=headers)
    assert response.status_code == status, response.text
    assert (await client.get("/readyz")).status_code == 200
