"""The chat aggregate's rules, in the core: how appended messages are numbered and counted, the
same whatever store keeps them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ragloom.core.models import Chat, ChatId, ChatMessage, DocumentId, Reference, TenantId

START = datetime(2026, 1, 1, tzinfo=UTC)
LATER = START + timedelta(minutes=1)
CHAT = Chat(ChatId("c"), TenantId("t"), START, START, message_count=2)


def message(role: str, content: str, **overrides: object) -> ChatMessage:
    values: dict[str, object] = {
        "tenant_id": TenantId("someone-else"),
        "chat_id": ChatId("another-chat"),
        "role": role,
        "content": content,
        "created_at": START,
        "seq": 99,
    }
    return ChatMessage(**{**values, **overrides})


def test_appended_messages_are_the_chats_own_numbered_on_from_its_count():
    cited = (Reference(1, DocumentId("d"), 0, 0.5),)
    answer = message("assistant", "Built in 1871 [1].", references=cited, model="m", finished=False)
    chat, added = CHAT.appended([message("user", "When?"), answer], LATER)
    assert [(m.seq, m.tenant_id, m.chat_id, m.role) for m in added] == [
        (3, "t", "c", "user"),
        (4, "t", "c", "assistant"),
    ]
    assert (added[1].content, added[1].references, added[1].model, added[1].finished) == (
        "Built in 1871 [1].",
        cited,
        "m",
        False,
    )
    assert chat == Chat(ChatId("c"), TenantId("t"), START, LATER, message_count=4)
    assert CHAT.message_count == 2  # the chat read is left as it was


def test_the_next_append_goes_on_after_the_last():
    once, _ = CHAT.appended([message("user", "a")], LATER)
    twice, added = once.appended([message("user", "b"), message("assistant", "c")], LATER)
    assert [m.seq for m in added] == [4, 5] and twice.message_count == 5


def test_appending_nothing_changes_no_count():
    chat, added = CHAT.appended([], LATER)
    assert added == () and chat.message_count == 2 and chat.updated_at == LATER
