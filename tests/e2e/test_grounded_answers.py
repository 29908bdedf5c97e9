"""Answers grounded in what the documents say, through the real bootstrap with the default embedder
and the shipped abstention threshold: short factoid questions over a small corpus written here."""

import pytest

from ragloom.core.models import DEFAULT_TENANT, AnswerDone
from ragloom.core.streams import IncomingFile
from ragloom.entrypoints.bootstrap import open_runtime
from ragloom.entrypoints.settings import AnswerSettings
from tests.helpers.runtime import memory_settings

T = DEFAULT_TENANT

CORPUS = {
    "telescope.md": (
        "# The Harbour Hill telescope\n\n"
        "The Harbour Hill observatory opened its reflecting telescope to the public in 1998. "
        "Volunteers guide visitors through the dome on clear evenings.\n\n"
        "| Property | Value |\n|---|---|\n"
        "| Primary mirror diameter | 2.71 m |\n| Focal length | 21.7 m |\n| Mount | equatorial fork |\n"
    ),
    "bread.txt": (
        "Sourdough bread, a short guide. A sourdough starter is a culture of wild yeast and lactic "
        "acid bacteria. Feed the starter with equal weights of flour and water every day. The dough "
        "rises slowly overnight and is baked in a hot Dutch oven for forty minutes."
    ),
    "bees.html": (
        "<html><head><title>Honey bees</title></head><body><p>Honey bees live in colonies with one "
        "queen, thousands of female workers and a few hundred male drones.</p><p>A worker bee "
        "lives about six weeks in summer. Bees communicate the direction of flowers with a waggle "
        "dance.</p></body></html>"
    ),
    "library-2025.txt": (
        "Notice from the town library. From 1 March the reading room opens at 9:00 on weekdays. "
        "Please return borrowed books to the desk by the entrance."
    ),
}
NEWER_NOTICE = (
    "Notice from the town library. From 1 March the reading room opens at 10:00 on weekdays. "
    "Please return borrowed books to the desk by the entrance."
)

ANSWERABLE = [
    (
        "What is the diameter of the telescope's primary mirror?",
        "Primary mirror diameter: 2.71 m.",
        "telescope.md",
    ),
    ("How long does a worker bee live in summer?", "about six weeks", "bees.html"),
    ("How often should I feed the sourdough starter?", "every day", "bread.txt"),
]
UNANSWERABLE = [
    "What is the capital of France?",
    "Who won the football world cup in 2014?",
    "How many moons does Jupiter have?",
]


@pytest.fixture
async def runtime(tmp_path):
    adapters = {"text_embedder": "sentence_transformers", "pii_scrubber": "regex"}
    shipped = {"min_similarity": AnswerSettings().min_similarity}  # the default, tuned for this embedder
    async with open_runtime(memory_settings(tmp_path, adapters=adapters, answers=shipped)) as runtime:
        await runtime.lifecycle.start_all()
        documents = await runtime.documents()
        for name, text in CORPUS.items():
            await documents.upload(T, IncomingFile.from_bytes(name, text.encode()))
        await runtime.lifecycle.wait_idle()
        yield runtime


async def ask(runtime, question: str) -> AnswerDone:
    events = [event async for event in (await runtime.answer()).answer(T, question)]
    assert isinstance(events[-1], AnswerDone)
    return events[-1]


@pytest.mark.parametrize(("question", "expected", "source"), ANSWERABLE)
async def test_a_factoid_question_is_answered_with_the_sentence_or_row_and_cited(
    runtime, question, expected, source
):
    done = await ask(runtime, question)
    assert not done.no_answer
    assert expected in done.answer
    assert done.answer.count("[") <= 2, done.answer  # the answering sentences, not the whole chunk
    assert source in {c.source for c in done.citations}


@pytest.mark.parametrize("question", UNANSWERABLE)
async def test_a_question_the_documents_do_not_answer_gets_no_answer(runtime, question):
    done = await ask(runtime, question)
    assert done.no_answer and done.citations == ()
    assert "could not find" in done.answer


async def test_disagreeing_notices_give_the_newer_value_and_cite_both(runtime):
    documents = await runtime.documents()
    newer = await documents.upload(T, IncomingFile.from_bytes("library-2026.txt", NEWER_NOTICE.encode()))
    await runtime.lifecycle.wait_idle()
    done = await ask(runtime, "When does the reading room open on weekdays?")
    first_sentence = done.answer.split(" Note:")[0]
    assert "10:00" in first_sentence and "9:00" not in first_sentence, done.answer
    assert "older document" in done.answer and "9:00" in done.answer.split(" Note:")[1]
    cited = {c.source for c in done.citations}
    assert {"library-2025.txt", "library-2026.txt"} <= cited
    assert newer.document.id in {c.document_id for c in done.citations}
