"""Settings of the OpenAI-compatible chat model (`plugins.chat_model.openai`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class OpenAIChatSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str = Field(description="the server's OpenAI API root, e.g. http://127.0.0.1:8000/v1")
    model: str = Field(description="the model name the server knows")
    api_key: SecretStr = Field(SecretStr("none"), description="sent as a bearer token")
    timeout_seconds: float = Field(60, gt=0, le=3600, description="one request, including the stream")
    connect_timeout_seconds: float = Field(
        5, gt=0, le=600, description="seconds to wait for a connection to the server"
    )
    max_retries: int = Field(
        2, ge=0, le=10, description="retries of a refused or failed request, with backoff"
    )
    max_tokens: int = Field(512, ge=1, le=32_768, description="the answer's default length limit")
    temperature: float = Field(
        0.1, ge=0, le=2, description="sampling temperature unless a request sets one (0: the likeliest token)"
    )
