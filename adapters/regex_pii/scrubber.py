"""RegexScrubber: the PiiScrubber port without a language model."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from ragloom.core.masking import Finding, masked
from ragloom.core.models import Scrubbed, TenantId

from .patterns import PATTERNS


class RegexPiiSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entities: list[str] = Field(
        default_factory=lambda: [p.entity for p in PATTERNS], description="the entity types to mask"
    )
    style: str = Field(
        "tag", pattern="^(tag|pseudonym)$", description="<TYPE> tags, or per-tenant pseudonyms"
    )
    pseudonym_key: SecretStr | None = Field(None, description="HMAC key of the pseudonyms (style: pseudonym)")

    @model_validator(mode="after")
    def _key_for_pseudonyms(self) -> RegexPiiSettings:
        if self.style == "pseudonym" and self.pseudonym_key is None:
            raise ValueError(
                "style pseudonym needs pseudonym_key (a secret, so pseudonyms cannot be guessed)"
            )
        return self


class RegexScrubber:
    def __init__(self, settings: RegexPiiSettings) -> None:
        self._patterns = [p for p in PATTERNS if p.entity in settings.entities]
        self._key = _pseudonym_key(settings.style, settings.pseudonym_key)

    def findings(self, text: str) -> list[Finding]:
        found = []
        for pattern in self._patterns:
            for match in pattern.regex.finditer(text):
                if pattern.valid(match.group()):
                    found.append(Finding(match.start(), match.end(), pattern.entity, pattern.score))
        return found

    async def scrub(self, tenant: TenantId, texts: Sequence[str]) -> Sequence[Scrubbed]:
        return [masked(text, self.findings(text), tenant=tenant, pseudonym_key=self._key) for text in texts]


def _pseudonym_key(style: str, key: SecretStr | None) -> bytes | None:
    return key.get_secret_value().encode() if style == "pseudonym" and key is not None else None


@asynccontextmanager
async def open_regex_scrubber(settings: RegexPiiSettings) -> AsyncIterator[RegexScrubber]:
    yield RegexScrubber(settings)
