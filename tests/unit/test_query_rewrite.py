"""The rules rewriter: follow-ups made standalone from the dialogue, standalone questions untouched."""

import pytest

from ragloom.adapters.query_rewrite.model import ChatModelRewriter, RewriterSettings
from ragloom.adapters.query_rewrite.rules import rewrite
from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import ChatDelta, Message

LIGHTHOUSE = [
    Message("user", "Tell me about the Brightwater Lighthouse."),
    Message("assistant", "It stands on a basalt reef [1]."),
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When was it built?", "When was Brightwater Lighthouse built?"),
        ("And how tall is its tower?", "And how tall is Brightwater Lighthouse tower?"),
        ("What about the reef?", "What about the reef? brightwater lighthouse"),  # no pronoun: terms carried
        ("Who painted the Kessel mill?", "Who painted the Kessel mill?"),  # stands alone
    ],
)
def test_follow_ups_get_the_subject_and_terms_of_the_dialogue(question, expected):
    assert rewrite(question, LIGHTHOUSE) == expected


def test_question_words_and_request_verbs_are_never_the_subject():
    history = [Message("user", "Where is the mill?"), Message("assistant", "On the river Aa [1].")]
    assert rewrite("Who built it?", history) == "Who built Aa? mill"
    history = [Message("user", "Please describe Mount Tarsa"), Message("assistant", "A volcano.")]
    assert rewrite("When did it erupt?", history).startswith("When did Mount Tarsa erupt?")


def test_without_dialogue_the_question_is_unchanged():
    assert rewrite("When was it built?", []) == "When was it built?"


class Scripted:
    generative = True
    name = "scripted"

    def __init__(self, reply=None, error=None):
        self.reply, self.error, self.requests = reply, error, []

    async def stream(self, request):
        self.requests.append(request)
        if self.error:
            raise self.error
        yield ChatDelta(self.reply)


async def test_the_chat_model_writes_the_query_and_the_rules_stand_in_when_it_fails():
    model = Scripted("When was the Brightwater Lighthouse built?\nextra chatter")
    rewriter = ChatModelRewriter(model, RewriterSettings())
    assert (
        await rewriter.rewrite("When was it built?", LIGHTHOUSE)
        == "When was the Brightwater Lighthouse built?"
    )
    assert "Brightwater Lighthouse" in model.requests[0].messages[1].content
    failing = ChatModelRewriter(Scripted(error=ProviderUnavailable("down")), RewriterSettings())
    assert await failing.rewrite("When was it built?", LIGHTHOUSE) == rewrite(
        "When was it built?", LIGHTHOUSE
    )
    assert (
        await rewriter.rewrite("Who painted the Kessel mill?", LIGHTHOUSE) == "Who painted the Kessel mill?"
    )


def test_a_follow_up_to_a_which_question_is_about_the_thing_the_answer_named():
    history = [
        Message("user", "Which ship sails between Inchmurran and Fennick Isle?"),
        Message(
            "assistant", "Route: Inchmurran - Fennick Isle; Ship: Captain Hollis; Crossing time: 40 min. [1]"
        ),
    ]
    assert rewrite("How many passengers is it licensed to carry?", history) == (
        "How many passengers is Captain Hollis licensed to carry?"
    )
