"""/v1/chats: stored conversations; POST /v1/query with `chat_id` continues one."""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ragloom.core.errors import NotFound
from ragloom.core.models import ChatId

from .bodies import int_param
from .serialize import chat_json, message_json
from .tenancy import caller_of, tenant_of


def chat_id_of(raw: object) -> ChatId:
    """A chat id as sent (a UUID); anything else names no chat: 404, as an unknown one does."""
    try:
        return ChatId(str(uuid.UUID(str(raw))))
    except ValueError:
        raise NotFound(f"chat {str(raw)[:80]!r} not found") from None


async def create_chat(request: Request) -> Response:
    service = await request.app.state.runtime.chats()
    chat = await service.create(tenant_of(request), caller=caller_of(request))
    return JSONResponse(chat_json(chat), status_code=201, headers={"Location": f"/v1/chats/{chat.id}"})


async def list_chats(request: Request) -> Response:
    limit = int_param(request, "limit", 100, 1, 1000)
    offset = int_param(request, "offset", 0, 0, 10**9)
    service = await request.app.state.runtime.chats()
    chats = await service.list(tenant_of(request), limit=limit, offset=offset)
    return JSONResponse({"chats": [chat_json(c) for c in chats], "limit": limit, "offset": offset})


async def chat_messages(request: Request) -> Response:
    limit = int_param(request, "limit", 100, 1, 1000)
    offset = int_param(request, "offset", 0, 0, 10**9)
    service = await request.app.state.runtime.chats()
    chat_id = chat_id_of(request.path_params["chat_id"])
    messages = await service.messages(tenant_of(request), chat_id, limit=limit, offset=offset)
    return JSONResponse(
        {
            "chat_id": chat_id,
            "messages": [message_json(m) for m in messages],
            "limit": limit,
            "offset": offset,
        }
    )


async def delete_chat(request: Request) -> Response:
    service = await request.app.state.runtime.chats()
    await service.delete(
        tenant_of(request), chat_id_of(request.path_params["chat_id"]), caller=caller_of(request)
    )
    return Response(status_code=204)
