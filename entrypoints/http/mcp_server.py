"""The Model Context Protocol server at /mcp (streamable HTTP, the official `mcp` SDK).

Agents that speak MCP get four tools over the tenant's documents: `search` (ranked passages with
citations), `ask` (an answer with citations and `no_answer`), `list_documents` and `get_document`.
The tenant's API key authenticates the HTTP requests as on /v1 (the access middleware), and every
tool reads the tenant from the request it came with, so a key sees its own tenant's data only.
Stateless: each request stands alone, so any API replica can serve it.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, ParamSpec

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.requests import Request

from ragloom.core.errors import InvalidInput, RagloomError
from ragloom.core.models import AnswerDelta, DocumentId, SearchHit

from ..bootstrap import Runtime
from . import schemas
from .query import asked, recorded_events
from .tenancy import tenant_of

INSTRUCTIONS = (
    "ragloom answers from this tenant's own documents. Use `ask` for a cited answer (it says "
    "`no_answer` when the documents do not hold one), `search` for the passages themselves, and "
    "`list_documents` / `get_document` to see what is indexed."
)


_P = ParamSpec("_P")


def _reported(tool: Callable[_P, Awaitable[dict[str, Any]]]) -> Callable[_P, Awaitable[dict[str, Any]]]:
    """ragloom's own errors reach the agent as the tool's error, with their code and message."""

    @functools.wraps(tool)
    async def run(*args: _P.args, **kwargs: _P.kwargs) -> dict[str, Any]:
        try:
            return await tool(*args, **kwargs)
        except RagloomError as error:
            raise ToolError(f"{error.code}: {error.message}") from error

    return run


def _request(ctx: Context) -> Request:
    request = ctx.request_context.request
    if not isinstance(request, Request):
        raise InvalidInput("this MCP server is served over HTTP only")
    return request


def _hit_json(rank: int, hit: SearchHit) -> dict[str, Any]:
    found = {**schemas.flattened(hit.payload), "rank": rank, "score": hit.score, "chunk": hit.payload.ordinal}
    return schemas.Passage.model_validate(found).model_dump(mode="json", exclude={"media_type"})


def build_mcp_server(runtime: Callable[[], Runtime]) -> MCPServer:
    """The server with its four tools, on the app's runtime; mount `mcp_app(server)` and run its
    session manager in the app's lifespan."""
    server = MCPServer("ragloom", instructions=INSTRUCTIONS)

    @server.tool(structured_output=True)
    @_reported
    async def search(query: str, ctx: Context, top_n: int = 5) -> dict[str, Any]:
        """The passages of this tenant's documents that best match the query, best first, each
        with where it is (document, page or seconds)."""
        request = _request(ctx)
        if not 1 <= top_n <= 50:
            raise InvalidInput("top_n must be between 1 and 50")
        retriever = await runtime().retriever()
        hits = await retriever.retrieve(tenant_of(request), query, top_n)
        return {"passages": [_hit_json(rank, hit) for rank, hit in enumerate(hits, start=1)]}

    @server.tool(structured_output=True)
    @_reported
    async def ask(question: str, ctx: Context, chat_id: str | None = None) -> dict[str, Any]:
        """A cited answer from this tenant's documents; `no_answer` is true when they do not hold
        one. With `chat_id` (from POST /v1/chats), the chat's last messages are the dialogue and the
        exchange is added to it."""
        ask = await asked(_request(ctx), question, (), chat_id, runtime=runtime())
        async for event in recorded_events(ask):
            if not isinstance(event, AnswerDelta):
                return schemas.Done.model_validate(event).model_dump(mode="json")
        raise RagloomError("the answer ended without its last event")

    @server.tool(structured_output=True)
    @_reported
    async def list_documents(ctx: Context, limit: int = 100, offset: int = 0) -> dict[str, Any]:
        """This tenant's documents, newest first, with their ingestion status."""
        request = _request(ctx)
        if not (1 <= limit <= 1000 and offset >= 0):
            raise InvalidInput("limit must be 1 to 1000 and offset at least 0")
        documents = await runtime().documents()
        found = await documents.list(tenant_of(request), limit=limit, offset=offset)
        page = schemas.DocumentList(documents=found, limit=limit, offset=offset)
        return page.model_dump(mode="json")

    @server.tool(structured_output=True)
    @_reported
    async def get_document(document_id: str, ctx: Context) -> dict[str, Any]:
        """One of this tenant's documents and its ingestion status."""
        request = _request(ctx)
        documents = await runtime().documents()
        document = await documents.get(tenant_of(request), DocumentId(document_id))
        return schemas.Document.model_validate(document).model_dump(mode="json")

    return server


@asynccontextmanager
async def serving_mcp(server: MCPServer) -> AsyncIterator[None]:
    """Run the server's session manager for the block, in a task of its own: its task group must
    be entered and left by one task, and the block's start and end may run in two."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def run() -> None:
        async with server.session_manager.run():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run())
    waiting = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiting.cancel()
        task.result()  # raises why it could not start
    try:
        yield
    finally:
        stop.set()
        await task


def mcp_app(server: MCPServer) -> Starlette:
    """The streamable HTTP app answering at /mcp. Host checks are off: ragloom runs behind its own
    gateway, and every request carries a tenant key."""
    security = TransportSecuritySettings(enable_dns_rebinding_protection=False)
    return server.streamable_http_app(
        streamable_http_path="/mcp", stateless_http=True, json_response=True, transport_security=security
    )
