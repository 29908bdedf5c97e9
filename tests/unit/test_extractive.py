from ragloom.adapters.extractive import ExtractiveChatModel, ExtractiveSettings
from ragloom.core.models import ChatRequest, Grounding, Passage
from ragloom.core.prompting import render_messages


async def answer(question: str, passages: list[Passage], max_sentences: int = 3) -> str:
    model = ExtractiveChatModel(ExtractiveSettings(max_sentences=max_sentences))
    grounding = Grounding(question, passages)
    request = ChatRequest(render_messages(grounding), grounding)
    return "".join([delta.text async for delta in model.stream(request)])


async def test_answers_with_the_matching_sentence_and_cites_its_passage():
    passages = [
        Passage(1, "Venus is the hottest planet. It spins backwards.", "Venus"),
        Passage(2, "Mars is red. Mars has two small moons called Phobos and Deimos.", "Mars"),
    ]
    text = await answer("How many moons does Mars have?", passages, max_sentences=1)
    assert text == "Mars has two small moons called Phobos and Deimos. [2]"


async def test_without_any_overlap_it_falls_back_to_the_top_passage():
    text = await answer(
        "zebra?", [Passage(1, "Alpha beta gamma delta.", "A"), Passage(2, "Other text.", "B")]
    )
    assert text == "Alpha beta gamma delta. [1]"


async def test_headings_are_not_answers():
    text = await answer("mars moons", [Passage(1, "Mars\n\nThe moons of Mars are small rocks.", "M")])
    assert text == "The moons of Mars are small rocks. [1]"
    passage = Passage(1, "How honey bees live\n\nHoney bees live in colonies with one queen.", "Bees")
    assert (
        await answer("how do honey bees live?", [passage])
        == "Honey bees live in colonies with one queen. [1]"
    )
