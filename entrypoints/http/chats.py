"""/v1/chats: stored conversations; POST /v1/query with `chat_id` continues one."""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ragloom.core.errors import NotFound
from ragloom.core.models import ChatId

from . import schemas
from .bodies import int_param
from .openapi import PAGING, operation
from .tenancy import caller_of, tenant_of


def chat_id_of(raw: object) -> ChatId:
    """A chat id as sent (a UUID); anything else names no chat: 404, as an unknown one does."""
    try:
        return ChatId(str(uuid.UUID(str(raw))))
    except ValueError:
        raise NotFound(f"chat {str(raw)[:80]!r} not found") from None


@operation("Start a chat", {201: (schemas.Chat, "the new chat")})
async def create_chat(request: Request) -> Response:
    service = await request.app.state.runtime.chats()
    chat = await service.create(tenant_of(request), caller=caller_of(request))
    body = schemas.Chat.model_validate(chat).model_dump(mode="json")
    return JSONResponse(body, status_code=201, headers={"Location": f"/v1/chats/{chat.id}"})


@operation("List chats, newest first", {200: (schemas.ChatList, "chats"), 400: "bad paging"}, params=PAGING)
async def list_chats(request: Request) -> Response:
    limit = int_param(request, "limit", 100, 1, 1000)
    offset = int_param(request, "offset", 0, 0, 10**9)
    service = await request.app.state.runtime.chats()
    chats = await service.list(tenant_of(request), limit=limit, offset=offset)
    page = schemas.ChatList(chats=chats, limit=limit, offset=offset)
    return JSONResponse(page.model_dump(mode="json"))


@operation(
    "A chat's messages, oldest first, with what each answer cited",
    {200: (schemas.ChatMessages, "messages"), 400: "bad paging", 404: "unknown chat"},
    params=PAGING,
)
async def chat_messages(request: Request) -> Response:
    limit = int_param(request, "limit", 100, 1, 1000)
    offset = int_param(request, "offset", 0, 0, 10**9)
    service = await request.app.state.runtime.chats()
    chat_id = chat_id_of(request.path_params["chat_id"])
    messages = await service.messages(tenant_of(request), chat_id, limit=limit, offset=offset)
    shown = [schemas.chat_message(m) for m in messages]
    page = schemas.ChatMessages(chat_id=chat_id, messages=shown, limit=limit, offset=offset)
    return JSONResponse(page.model_dump(mode="json"))


@operation("Delete a chat and its messages", {204: (None, "deleted"), 404: "unknown chat"})
async def delete_chat(request: Request) -> Response:
    service = await request.app.state.runtime.chats()
    await service.delete(
        tenant_of(request), chat_id_of(request.path_params["chat_id"]), caller=caller_of(request)
    )
    return Response(status_code=204)
