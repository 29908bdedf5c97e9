"""`ragloom eval answers` and `ragloom eval pii` on small suites made here: the figures are what the
answers and the masking deserve, and the checks for raw personal data and masked names find what
was planted for them."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from ragloom.entrypoints.cli import app

LIGHT = {
    "RAGLOOM_ADAPTERS__TEXT_EMBEDDER": "hashing",
    "RAGLOOM_ADAPTERS__PII_SCRUBBER": "regex",
    "RAGLOOM_ANSWERS__MIN_SIMILARITY": "0",
}


def _run(*args: str, env: dict[str, str] | None = None):
    result = CliRunner().invoke(app, list(args), env={**LIGHT, **(env or {})}, catch_exceptions=False)
    return result


@pytest.fixture
def suite(tmp_path):
    folder = tmp_path / "suite"
    (folder / "documents" / "harbour").mkdir(parents=True)
    (folder / "documents" / "clinic").mkdir(parents=True)
    (folder / "documents" / "harbour" / "ferry.md").write_text(
        "# Ferry\n\nThe Saltmarsh Queen carries 240 passengers to Kelder Sound.\n\n"
        "The crossing takes forty-five minutes. Bookings: Mary Jones, bookings@harbour.example."
    )
    (folder / "documents" / "clinic" / "hours.txt").write_text("The clinic opens at 8 am on weekdays.")
    questions = [
        {
            "id": "q1",
            "tenant": "harbour",
            "split": "dev",
            "kind": "named",
            "turns": ["How many passengers does the Saltmarsh Queen carry?"],
            "expect": {"answer": [["240"]], "source": "ferry.md"},
            "keep": ["Saltmarsh Queen"],
        },
        {
            "id": "q2",
            "tenant": "harbour",
            "split": "test",
            "kind": "chat",
            "turns": ["Where does the Saltmarsh Queen sail?", "How long does the crossing take?"],
            "expect": {"answer": [["45", "forty-five"]], "source": "ferry.md"},
        },
        {
            "id": "q3",
            "tenant": "clinic",
            "split": "test",
            "kind": "prose",
            "turns": ["When does the clinic open?"],
            "expect": {"answer": [["9 am"]], "source": "hours.txt"},  # wrong on purpose: judged wrong
        },
    ]
    documents = [
        {
            "tenant": "harbour",
            "path": "documents/harbour/ferry.md",
            "pii": [
                {"kind": "PERSON", "value": "Mary Jones"},  # the regex scrubber keeps names: a leak
                {"kind": "EMAIL_ADDRESS", "value": "bookings@harbour.example"},
            ],
            "keep": ["Saltmarsh Queen", "Kelder Sound"],
        },
        {"tenant": "clinic", "path": "documents/clinic/hours.txt"},
    ]
    (folder / "suite.yaml").write_text(yaml.safe_dump({"documents": documents, "questions": questions}))
    return folder


def test_eval_answers_scores_answers_citations_leaks_and_masks(suite):
    result = _run("eval", "answers", str(suite), "--json")
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    dev, test = body["splits"]["dev"], body["splits"]["test"]
    assert dev["questions"] == 1 and dev["answer_accuracy"] == 1.0 and dev["citation_accuracy"] == 1.0
    assert test["questions"] == 2 and test["answer_accuracy"] == 0.5  # the chat follow-up right, q3 not
    outcomes = {o["id"]: o for o in body["outcomes"]}
    assert outcomes["q2"]["answered_right"] and outcomes["q2"]["cited_right"]
    assert not outcomes["q3"]["answered_right"] and outcomes["q3"]["cited_right"]
    leaks = body["personal_data_found"]
    assert leaks and all("sha256" not in leak and len(leak["value_sha"]) == 12 for leak in leaks)
    places = {leak["where"].split(" ")[0] for leak in leaks}  # the name, kept raw: in what the
    assert "file" in places and places & {"chunk", "citation", "answer"}  # service shows, and on disk
    assert body["over_masking"]["masked"] == 0 and body["over_masking"]["listed"] == 3
    assert body["failed_documents"] == {}


def test_eval_answers_counts_a_listed_name_the_scrubber_masks(suite):
    """A name listed as not personal data that the scrubber masks anyway (here an address-shaped
    product name, which the regex scrubber takes for an e-mail) is counted as over-masking."""
    ferry = suite / "documents" / "harbour" / "ferry.md"
    ferry.write_text(ferry.read_text() + "\n\nTickets are sold as the pass deck@kelder.example.")
    data = yaml.safe_load((suite / "suite.yaml").read_text())
    data["documents"][0]["keep"].append("deck@kelder.example")
    (suite / "suite.yaml").write_text(yaml.safe_dump(data))
    result = _run("eval", "answers", str(suite), "--split", "dev", "--json")
    assert result.exit_code == 0, result.stderr
    masking = json.loads(result.stdout)["over_masking"]
    assert masking["listed"] == 4 and masking["masked"] == 1
    assert masking["entities"] == [{"where": "harbour/ferry.md", "entity": "deck@kelder.example"}]


def test_eval_answers_explains_a_broken_suite(tmp_path):
    (tmp_path / "suite.yaml").write_text('documents: []\nquestions: [{id: q1, tenant: a, turns: ["Hi?"]}]\n')
    result = _run("eval", "answers", str(tmp_path))
    assert result.exit_code != 0
    assert "expect.answer" in result.stderr or "expect.answer" in result.stdout


def test_eval_pii_reports_recall_precision_and_masked_look_alikes(tmp_path):
    labelled = tmp_path / "pii.jsonl"
    rows = [
        {
            "sentence": "Write to mary.jones@example.org or call +44 20 7946 0958 about the Saltmarsh Queen.",
            "mentions": [
                {"text": "mary.jones@example.org", "label": "EMAIL_ADDRESS"},
                {"text": "+44 20 7946 0958", "label": "PHONE_NUMBER"},
                {"text": "Saltmarsh Queen", "label": "NOT_PERSON"},
            ],
            "split": "dev",
        },
        {
            "sentence": "Mary Jones pays with 4111 1111 1111 1111.",
            "mentions": [
                {"text": "Mary Jones", "label": "PERSON"},
                {"text": "4111 1111 1111 1111", "label": "CREDIT_CARD"},
            ],
            "split": "dev",
        },
    ]
    labelled.write_text("\n".join(json.dumps(row) for row in rows))
    result = _run("eval", "pii", str(labelled), "--split", "dev", "--json")
    assert result.exit_code == 0, result.stderr
    dev = json.loads(result.stdout)["dev"]
    assert dev["EMAIL_ADDRESS"]["recall"] == 1.0 and dev["EMAIL_ADDRESS"]["precision"] == 1.0
    assert dev["PHONE_NUMBER"]["recall"] == 1.0 and dev["CREDIT_CARD"]["recall"] == 1.0
    assert dev["PERSON"]["recall"] == 0.0  # the regex scrubber finds no names
    assert dev["NOT_PERSON"]["over_masking"] == 0.0
    labelled.write_text(json.dumps({**rows[0], "mentions": [{"text": "absent", "label": "PERSON"}]}))
    broken = _run("eval", "pii", str(labelled))
    assert broken.exit_code != 0 and "must occur once" in (broken.stderr + broken.stdout)
