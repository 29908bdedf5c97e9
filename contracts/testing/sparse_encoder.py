"""Contract tests every SparseEncoder passes. Subclasses provide a fixture `adapter`."""

from __future__ import annotations

from ragloom.core.ports import SparseEncoder


class SparseEncoderContract:
    def test_one_vector_per_text_with_sorted_unique_non_negative_ids(self, adapter: SparseEncoder) -> None:
        vectors = adapter.encode_documents(["owls hunt mice", "bread and yeast", ""])
        assert len(vectors) == 3
        for vector in vectors:
            assert list(vector.indices) == sorted(set(vector.indices))
            assert len(vector.indices) == len(vector.values)
            assert all(0 <= i < 2**32 for i in vector.indices)
            assert all(v > 0 for v in vector.values)
        assert list(vectors[2].indices) == []

    def test_query_and_document_share_term_ids(self, adapter: SparseEncoder) -> None:
        document = adapter.encode_documents(["Owls hunt mice at night"])[0]
        query = adapter.encode_query("owls")
        assert set(query.indices) <= set(document.indices) and query.indices

    def test_unrelated_texts_share_no_terms(self, adapter: SparseEncoder) -> None:
        a = adapter.encode_documents(["volcanic basalt eruption"])[0]
        b = adapter.encode_query("sourdough bread starter")
        assert not set(a.indices) & set(b.indices)
