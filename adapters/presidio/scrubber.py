"""PresidioScrubber: Presidio's analyzer finds personal data; core.masking replaces it.

Short texts (a question and its dialogue, an abstract) are analysed on a thread of this process, at
once; the texts of calls made meanwhile wait and go together as one spaCy batch. Long ones (a
document: a 400,000-character page takes spaCy some 20 s) go to a helper process (helper.py) with
its own memory and time limits, so they neither hold up questions nor grow this process's memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from ragloom.core.masking import Finding, masked
from ragloom.core.models import Scrubbed, TenantId
from ragloom.core.services.batching import Coalescer

from .analysis import batch_findings, findings, load_analyzer
from .helper import AnalysisHelper
from .settings import PresidioSettings


class PresidioScrubber:
    def __init__(self, analyzer: Any, settings: PresidioSettings) -> None:
        self._analyzer = analyzer
        self._settings = settings
        self._key = (
            settings.pseudonym_key.get_secret_value().encode()
            if settings.style == "pseudonym" and settings.pseudonym_key
            else None
        )
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="presidio")
        self.helper = AnalysisHelper(settings)
        # Short texts of calls made while one batch is analysed go together in the next.
        self._inline: Coalescer[str, list[Finding]] = Coalescer(self._analyse_inline)

    def findings(self, text: str) -> list[Finding]:
        return findings(self._analyzer, self._settings, text)

    async def scrub(self, tenant: TenantId, texts: Sequence[str]) -> Sequence[Scrubbed]:
        texts = [str(text) for text in texts]
        found = await self._find(texts)
        return [
            masked(text, hits, tenant=tenant, pseudonym_key=self._key) if text.strip() else Scrubbed(text)
            for text, hits in zip(texts, found, strict=True)
        ]

    async def _find(self, texts: list[str]) -> list[list[Finding]]:
        if sum(len(text) for text in texts) <= self._settings.inline_chars:
            return list(await self._inline(texts))
        return await self.helper.findings(texts)

    async def _analyse_inline(self, texts: list[str]) -> list[list[Finding]]:
        """Short texts are analysed on this process's thread, as one spaCy batch."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, batch_findings, self._analyzer, self._settings, texts)

    def close(self) -> None:
        self.helper.close()
        self._thread.shutdown(wait=True)


@asynccontextmanager
async def open_presidio_scrubber(settings: PresidioSettings) -> AsyncIterator[PresidioScrubber]:
    analyzer = await asyncio.to_thread(load_analyzer, settings.model, settings.language)
    scrubber = PresidioScrubber(analyzer, settings)
    try:
        yield scrubber
    finally:
        await asyncio.to_thread(scrubber.close)
