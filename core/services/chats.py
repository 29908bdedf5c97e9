"""Chats: stored conversations whose last messages are the context of the next question."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from ..events import ChatDeleted, ChatStarted
from ..models import SYSTEM_CALLER, Caller, Chat, ChatId, ChatMessage, Message, TenantId
from .transactions import UnitsOfWork


class ChatService:
    def __init__(self, *, units: UnitsOfWork, context_messages: int = 10) -> None:
        self._units = units
        self._context_messages = context_messages

    async def create(self, tenant: TenantId, *, caller: Caller = SYSTEM_CALLER) -> Chat:
        now = datetime.now(UTC)
        chat = Chat(id=ChatId(str(uuid.uuid4())), tenant_id=tenant, created_at=now, updated_at=now)
        async with self._units(tenant) as transaction:
            await transaction.tenants.get(tenant)
            await transaction.chats.add(chat)
            transaction.publish(ChatStarted(tenant_id=tenant, caller=caller, chat_id=chat.id))
            await transaction.commit()
        return chat

    async def get(self, tenant: TenantId, chat_id: ChatId) -> Chat:
        """The chat; NotFound if it is unknown or another tenant's."""
        async with self._units(tenant, read_only=True) as transaction:
            return await transaction.chats.get(tenant, chat_id)

    async def list(self, tenant: TenantId, *, limit: int = 100, offset: int = 0) -> Sequence[Chat]:
        async with self._units(tenant, read_only=True) as transaction:
            return await transaction.chats.list(tenant, limit=limit, offset=offset)

    async def messages(
        self, tenant: TenantId, chat_id: ChatId, *, limit: int = 100, offset: int = 0
    ) -> Sequence[ChatMessage]:
        async with self._units(tenant, read_only=True) as transaction:
            return await transaction.chats.messages(tenant, chat_id, limit=limit, offset=offset)

    async def context(self, tenant: TenantId, chat_id: ChatId) -> Sequence[Message]:
        """The chat's last `context_messages` messages as dialogue (older ones stay stored)."""
        async with self._units(tenant, read_only=True) as transaction:
            recent = await transaction.chats.last_messages(tenant, chat_id, self._context_messages)
        return tuple(Message(m.role, m.content) for m in recent if m.content)

    async def delete(self, tenant: TenantId, chat_id: ChatId, *, caller: Caller = SYSTEM_CALLER) -> None:
        async with self._units(tenant) as transaction:
            chat = await transaction.chats.get(tenant, chat_id)
            await transaction.chats.delete(tenant, chat_id)
            transaction.publish(
                ChatDeleted(tenant_id=tenant, caller=caller, chat_id=chat_id, messages=chat.message_count)
            )
            await transaction.commit()
