"""Contract tests every PiiScrubber passes. Subclasses provide an async fixture `adapter` that masks
e-mail addresses (every scrubber does) with a placeholder that names the entity type."""

from __future__ import annotations

from typing import Any

from ragloom.core.models import TenantId

A = TenantId("tenant-a")


class PiiScrubberContract:
    async def test_one_result_per_text_in_order(self, adapter: Any) -> None:
        texts = ["first", "write to jane.doe@example.com", "", "third"]
        results = await adapter.scrub(A, texts)
        assert len(results) == 4
        assert results[0].text == "first" and results[3].text == "third" and results[2].text == ""

    async def test_an_email_is_masked_and_counted(self, adapter: Any) -> None:
        [result] = await adapter.scrub(A, ["Mail jane.doe@example.com or j.d@example.org today."])
        assert "example.com" not in result.text and "example.org" not in result.text
        assert "EMAIL_ADDRESS" in result.text
        assert result.entities.get("EMAIL_ADDRESS") == 2

    async def test_ordinary_facts_survive(self, adapter: Any) -> None:
        text = "The harbour opened in 1998 in Rotterdam and holds 4,200 ships; code ISO-9001."
        [result] = await adapter.scrub(A, [text])
        for fact in ("1998", "Rotterdam", "4,200", "ISO-9001", "harbour"):
            assert fact in result.text
        assert dict(result.entities) == {}

    async def test_no_texts_give_no_results(self, adapter: Any) -> None:
        assert list(await adapter.scrub(A, [])) == []
