"""The default ChatModel: answers with the passages' own best sentences, cited. No LLM needed."""

from .model import ExtractiveChatModel, ExtractiveSettings, open_chat_model

__all__ = ["ExtractiveChatModel", "ExtractiveSettings", "open_chat_model"]
