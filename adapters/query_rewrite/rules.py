"""RulesRewriter: a follow-up made standalone without a model.

A question that names its own subject stands alone. One that leans on the dialogue ("And when was
it founded?", "What about its size?") gets its pronouns replaced by the last named subject of the
dialogue, and the content words of the previous question that it lacks appended, so the search
sees what the earlier turn was about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ragloom.core.models import Message
from ragloom.core.stopwords import ENGLISH_STOPWORDS
from ragloom.core.text import words

_PRONOUNS = {
    "it", "its", "they", "them", "their", "theirs", "he", "him", "his", "she", "her", "hers",
    "this", "that", "these", "those", "there", "one",
}  # fmt: skip
# Capitalised only because they open a request: never a subject.
_OPENERS = {"tell", "please", "give", "show", "list", "explain", "describe", "find", "summarize", "summarise"}
_FOLLOW_UP_OPENERS = ("and ", "also ", "what about ", "how about ", "and what ", "then ")
# A run of capitalised words (allowing "of", "the" inside): "the Brightwater Lighthouse", "Mount Tarsa".
_NAMED = re.compile(r"\b(?:[A-Z][\w'-]+)(?:\s+(?:of|the|de|von|van)?\s*[A-Z][\w'-]+)*")
_WORD = re.compile(r"\b\w+\b")
_ASKS_WHICH = re.compile(r"\s*(which|what|who)\b", re.IGNORECASE)


def _content(text: str) -> list[str]:
    return [
        w for w in words(text) if w not in ENGLISH_STOPWORDS and w not in _PRONOUNS | _OPENERS and len(w) > 2
    ]


def _names(text: str) -> list[str]:
    """Named things in a text: runs of capitalised words, but a field's label ("Ship:"), a mask
    ("<PERSON>") or a sentence's opening stopword."""
    plain = re.sub(r"<[A-Z_]+(?:_[0-9a-f]{8})?>", " ", text)
    return [
        match.group(0)
        for match in _NAMED.finditer(plain)
        if match.group(0).split()[0].lower() not in ENGLISH_STOPWORDS | _PRONOUNS | _OPENERS
        and plain[match.end() : match.end() + 1] != ":"
    ]


def _answered_name(history: Sequence[Message]) -> str | None:
    """When the last question asked which thing ("Which ship sails to Kelder Sound?"), the thing
    its answer names: the first name in the answer that the question did not name."""
    for i in range(len(history) - 1, 0, -1):
        question, answer = history[i - 1], history[i]
        if question.role == "user" and answer.role == "assistant":
            if not _ASKS_WHICH.match(question.content):
                return None
            asked = " ".join(_names(question.content)).lower()
            fresh = [name for name in _names(answer.content) if name.lower() not in asked]
            return fresh[0] if fresh else None
    return None


def _last_subject(history: Sequence[Message]) -> str | None:
    """The last named subject of the dialogue's user turns, else of its answers."""
    for roles in (("user",), ("assistant",)):
        for message in reversed(history):
            if message.role not in roles:
                continue
            names = _names(message.content)
            if names:
                return names[-1]
    return None


def leans_on_dialogue(question: str) -> bool:
    lowered = question.strip().lower()
    tokens = [t.lower() for t in _WORD.findall(question)]
    return (
        any(t in _PRONOUNS for t in tokens)
        or lowered.startswith(_FOLLOW_UP_OPENERS)
        or len(_content(question)) <= 1
    )


def rewrite(question: str, history: Sequence[Message]) -> str:
    """The standalone form of `question` given `history` (the question itself if it stands alone).
    When the last question asked which thing and its answer named it, that name takes the
    pronoun's place and is all the search needs; otherwise the previous question's content words
    the follow-up lacks are carried along too."""
    if not history or not leans_on_dialogue(question):
        return question
    answered = _answered_name(history)
    subject = answered or _last_subject(history)
    standalone = question
    if subject is not None:
        standalone = _WORD.sub(
            lambda m: subject if m.group(0).lower() in _PRONOUNS - {"one", "there"} else m.group(0),
            question,
        )
    if answered is not None and standalone != question:
        return standalone
    previous = next((m.content for m in reversed(history) if m.role == "user"), "")
    present = set(words(standalone))
    carried = [w for w in dict.fromkeys(_content(previous)) if w not in present]
    return " ".join([standalone, *carried]).strip()


class RulesRewriter:
    async def rewrite(self, question: str, history: Sequence[Message]) -> str:
        return rewrite(question, history)
