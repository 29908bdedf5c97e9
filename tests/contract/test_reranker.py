"""The cross-encoder adapter's plumbing on a tiny BERT built here (no weights exist offline)."""

import pytest

from ragloom.adapters.cross_encoder import CrossEncoderSettings, open_reranker
from ragloom.contracts.testing.reranker import RerankerContract, hits
from ragloom.core.errors import ProviderUnavailable

WORDS = [
    "owls",
    "hunt",
    "mice",
    "bread",
    "rises",
    "lava",
    "flows",
    "bees",
    "dance",
    "tides",
    "turn",
    "alpha",
    "beta",
    "text",
    "q",
    "a",
    "b",
    "t0",
    "t1",
    "t2",
    "t3",
    "t4",
]


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory):
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-cross-encoder")
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    tokenizer = BertTokenizerFast(vocab_file=str(vocab))
    torch.manual_seed(7)
    config = BertConfig(
        vocab_size=len(WORDS) + 5,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=1,
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


class TestCrossEncoderReranker(RerankerContract):
    @pytest.fixture
    async def adapter(self, tiny_cross_encoder):
        async with open_reranker(
            CrossEncoderSettings(model=str(tiny_cross_encoder), batch_size=2)
        ) as adapter:
            yield adapter

    async def test_order_follows_the_models_own_scores(self, adapter, tiny_cross_encoder):
        from sentence_transformers import CrossEncoder

        given = hits("owls hunt mice", "bread rises", "lava flows", "bees dance", "tides turn")
        model = CrossEncoder(str(tiny_cross_encoder))
        expected = model.predict([("owls", f"{h.payload.title}\n{h.payload.text}") for h in given])
        ranked = await adapter.rerank("owls", given, 5)
        best_first = sorted(range(5), key=lambda i: -expected[i])
        assert [h.point_id for h in ranked] == [given[i].point_id for i in best_first]
        assert [h.score for h in ranked] == pytest.approx([float(expected[i]) for i in best_first], abs=1e-5)

    async def test_batch_size_does_not_change_the_result(self, adapter, tiny_cross_encoder):
        given = hits("owls hunt mice", "bread rises", "lava flows", "bees dance", "tides turn")
        async with open_reranker(CrossEncoderSettings(model=str(tiny_cross_encoder), batch_size=64)) as big:
            one_batch = await big.rerank("bees", given, 5)
        several = await adapter.rerank("bees", given, 5)
        assert [h.point_id for h in several] == [h.point_id for h in one_batch]


async def test_a_missing_model_folder_fails_clearly(tmp_path):
    with pytest.raises(ProviderUnavailable, match="does not exist"):
        async with open_reranker(CrossEncoderSettings(model=str(tmp_path / "none"))):
            pass


async def test_a_folder_without_a_model_fails_clearly(tmp_path):
    with pytest.raises(ProviderUnavailable, match="cannot load cross-encoder"):
        async with open_reranker(CrossEncoderSettings(model=str(tmp_path))):
            pass
