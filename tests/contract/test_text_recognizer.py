"""The TextRecognizer contract, on RapidOCR's packaged models."""

from __future__ import annotations

import pytest

from ragloom.adapters.rapidocr.recognizer import RapidOcrRecognizer, RapidOcrSettings
from ragloom.contracts.testing.text_recognizer import TextRecognizerContract


@pytest.fixture(scope="module")
def recognizer():
    return RapidOcrRecognizer(RapidOcrSettings())  # its models load once, for the module


class TestRapidOcrRecognizer(TextRecognizerContract):
    @pytest.fixture
    async def adapter(self, recognizer):
        return recognizer
