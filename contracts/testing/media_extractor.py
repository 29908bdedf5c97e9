"""Contract tests every MediaExtractor passes. Subclasses provide a fixture `adapter` and a fixture
`samples`: {media type: (a valid original's bytes, a phrase its extraction must contain)}, one per
media type the adapter declares."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from ragloom.core.errors import ExtractionFailed, UnsupportedMedia
from ragloom.core.models import Extraction
from ragloom.core.ports import MediaExtractor


async def extract_bytes(
    extractor: MediaExtractor, data: bytes, media_type: str, filename: str = "upload"
) -> Extraction:
    """Extract from bytes written to a temporary file, as ingestion hands extractors a local file."""
    with tempfile.TemporaryDirectory(prefix="ragloom-extract-") as folder:
        path = Path(folder) / "original"
        path.write_bytes(data)
        return await extractor.extract(path, media_type, filename)


class MediaExtractorContract:
    async def test_every_declared_media_type_has_a_sample_that_extracts(
        self, adapter: Any, samples: Any
    ) -> None:
        assert set(samples) == set(adapter.media_types)
        for media_type, (data, phrase) in samples.items():
            extraction = await extract_bytes(adapter, data, media_type, "sample")
            text = " ".join(segment.text for segment in extraction.segments)
            assert phrase in text, (media_type, text[:200])

    async def test_an_undeclared_media_type_is_unsupported(self, adapter: Any) -> None:
        with pytest.raises(UnsupportedMedia):
            await extract_bytes(adapter, b"x", "application/x-ragloom-unknown")

    async def test_garbage_fails_cleanly_or_yields_text(self, adapter: Any) -> None:
        garbage = bytes(range(256)) * 16
        for media_type in adapter.media_types:
            try:
                extraction = await extract_bytes(adapter, garbage, media_type, "garbage")
            except ExtractionFailed as error:
                assert error.message
            else:
                assert all(isinstance(segment.text, str) for segment in extraction.segments)
