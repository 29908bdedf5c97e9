import subprocess
import sys

import pytest

from ragloom.adapters.bm25.encoder import Bm25Encoder, Bm25Settings
from ragloom.contracts.testing.sparse_encoder import SparseEncoderContract


class TestBm25Encoder(SparseEncoderContract):
    @pytest.fixture
    def adapter(self):
        return Bm25Encoder(Bm25Settings())

    def test_stems_lowercases_and_drops_stopwords(self, adapter):
        assert adapter.terms("The Mice were RUNNING to their burrows") == ["mice", "run", "burrow"]
        assert adapter.encode_query("running") == adapter.encode_query("runs")

    def test_term_frequency_saturates_and_long_chunks_weigh_less(self, adapter):
        once, thrice = adapter.encode_documents(["owl", "owl owl owl"])
        assert thrice.values[0] > once.values[0]
        assert thrice.values[0] < 3 * once.values[0]
        short, long = adapter.encode_documents(["owl", "owl " + " ".join(f"word{i}" for i in range(300))])
        owl = short.indices[0]
        assert dict(zip(long.indices, long.values, strict=True))[owl] < short.values[0]

    def test_term_ids_are_the_same_in_another_process(self, adapter):
        code = (
            "from ragloom.adapters.bm25.encoder import Bm25Encoder, Bm25Settings;"
            "print(list(Bm25Encoder(Bm25Settings()).encode_query('hybrid retrieval works').indices))"
        )
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert other.stdout.strip() == str(list(adapter.encode_query("hybrid retrieval works").indices))

    def test_without_stemming_or_stopwords(self):
        plain = Bm25Encoder(Bm25Settings(language="none", stopwords=False))
        assert plain.terms("The mice were running") == ["the", "mice", "were", "running"]
