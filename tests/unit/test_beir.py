"""The evaluation harness: BEIR loading, scoring checked by hand, and a tiny end-to-end run."""

import json

import pytest

from ragloom.core.errors import InvalidInput
from ragloom.core.models import TenantId
from ragloom.entrypoints.bootstrap import open_runtime
from ragloom.evaluation.beir import evaluate, load_beir, score
from tests.helpers.runtime import memory_settings

TOPICS = {
    "d1": ("Owls", "Owls hunt mice at night with silent feathers."),
    "d2": ("Bread", "Sourdough bread rises with wild yeast."),
    "d3": ("Volcanoes", "Basalt lava flows from shield volcanoes."),
    "d4": ("Bees", "Honey bees dance to show where flowers are."),
}
QUERIES = {"q1": "how do owls hunt mice", "q2": "what makes sourdough bread rise", "q3": "bees dance flowers"}
QRELS = [("q1", "d1", 1), ("q2", "d2", 1), ("q3", "d4", 1)]


@pytest.fixture
def beir_folder(tmp_path):
    folder = tmp_path / "tiny"
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text(
        "\n".join(json.dumps({"_id": i, "title": t, "text": x}) for i, (t, x) in TOPICS.items())
    )
    (folder / "queries.jsonl").write_text(
        "\n".join(json.dumps({"_id": q, "text": t}) for q, t in QUERIES.items())
    )
    rows = ["query-id\tcorpus-id\tscore", *(f"{q}\t{d}\t{s}" for q, d, s in QRELS)]
    (folder / "qrels" / "test.tsv").write_text("\n".join(rows) + "\n")
    return folder


def test_scores_match_a_hand_computation():
    qrels = {"a": {"x": 1}, "b": {"y": 1}}
    run = {"a": {"x": 3.0, "z": 2.0}, "b": {"z": 3.0, "y": 2.0}}
    metrics = score(run, qrels)
    # a: relevant at rank 1 -> nDCG 1, RR 1; b: relevant at rank 2 -> nDCG 1/log2(3), RR 1/2
    assert metrics["ndcg@10"] == pytest.approx((1 + 1 / 1.5849625) / 2, abs=1e-6)
    assert metrics["mrr@10"] == pytest.approx(0.75)
    assert metrics["recall@100"] == pytest.approx(1.0)


def test_mrr_counts_only_the_top_ten():
    run = {"a": {f"d{i}": float(100 - i) for i in range(11)}}
    assert score(run, {"a": {"d10": 1}})["mrr@10"] == 0.0


def test_loading_checks_the_folder_and_limits(beir_folder, tmp_path):
    data = load_beir(beir_folder, ["test"])
    assert len(data.corpus) == 4 and set(data.splits["test"].queries) == {"q1", "q2", "q3"}
    limited = load_beir(beir_folder, ["test"], limit=1)
    assert list(limited.splits["test"].queries) == ["q1"]
    assert {d["_id"] for d in limited.corpus} == {"d1", "d2", "d3", "d4"}
    with pytest.raises(InvalidInput, match=r"qrels/train\.tsv is missing"):
        load_beir(beir_folder, ["test", "train"])
    (beir_folder / "queries.jsonl").write_text("{not json")
    with pytest.raises(InvalidInput, match="is not JSON"):
        load_beir(beir_folder, ["test"])


async def test_end_to_end_on_a_tiny_dataset_and_the_tenant_is_removed(beir_folder, tmp_path):
    settings = memory_settings(tmp_path)
    phases = []
    async with open_runtime(settings) as runtime:
        tenant = TenantId("eval-tiny")
        report = await evaluate(
            runtime, load_beir(beir_folder, ["test"]), lambda p, d, t: phases.append(p), tenant
        )
        leftovers = await (await runtime.get("vector_index")).count(tenant)
        rows = await (await runtime.documents()).list(tenant)
    body = report.split_json("test", 3)
    assert body["default_mode"] == "hybrid"
    assert body["ndcg@10"] == 1.0 and body["mrr@10"] == 1.0
    assert set(body["modes"]) == {"dense", "sparse", "hybrid"}
    assert body["modes"]["sparse"]["ndcg@10"] == 1.0
    assert (body["documents"], body["queries"]) == (4, 3)
    assert body["latency_ms"]["p50"] > 0
    assert {"upload", "ingest", "test hybrid", "test dense", "test sparse"} <= set(phases)
    assert leftovers == 0 and rows == []
