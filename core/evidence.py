"""Whether the retrieved passages answer a question, read off their sentences (stdlib only).

A question asks for a kind of answer (a quantity for "how many", a time for "until when", a date,
a person for "who", a place for "where") about some terms. A sentence is evidence when it holds
the question's terms, weighted by how rare each is among the passages' sentences, and an answer
of the asked kind. The best evidence picks the extractive answer, and with the question's closeness
to the corpus it decides whether the documents answer at all (answerability.py).
"""

from __future__ import annotations

import enum
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .models import Passage
from .stopwords import ENGLISH_STOPWORDS
from .text import words

QUESTION_WORDS = frozenset(
    str.split(
        """what which who whom whose when where why how many much does do did is are was were can could
    should would will shall may might has have had please tell me us i my our your you we there their
    its any some one ones get got give given find named called say says said about kind sort type"""
    )
)
STOPWORDS = ENGLISH_STOPWORDS | QUESTION_WORDS | {"also", "s"}


class Asked(enum.Enum):
    """The kind of answer a question asks for; a measured quantity by its unit."""

    MONEY = "money"  # a price, a fee, a fine
    PERCENT = "percent"  # a discount, a strength
    TEMPERATURE = "temperature"
    DURATION = "duration"  # how long it takes
    LENGTH = "length"  # how far, deep, high, wide
    WEIGHT = "weight"
    VOLUME = "volume"  # a capacity in litres
    SPEED = "speed"
    FREQUENCY = "frequency"  # how often
    COUNT = "count"  # how many
    TIME = "time"  # what time, until when, opening hours
    YEAR = "year"  # in what year
    DATE = "date"  # when, which day
    PERSON = "person"  # who
    PLACE = "place"  # where
    ANY = "any"


def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE)


# What a question asks for, by its words; the first that matches decides.
_ASKED = [
    (Asked.DURATION, _pattern(r"\bhow (far ahead|far in advance|soon)\b|\bwithin what time\b")),
    (Asked.TIME, _pattern(r"\b(what time|until when|till when|how late|how early|opening hours)\b")),
    (Asked.FREQUENCY, _pattern(r"\bhow often\b|\bhow many times\b")),
    (
        Asked.MONEY,
        _pattern(
            r"\bhow much (does|do|did|is|are|will|would)\b.*\b(cost|charge|pay)"
            r"|\b(price|cost|costs|fee|fees|fare|fares|fine|deposit|charge|charged|pay|paid)\b"
        ),
    ),
    (Asked.PERCENT, _pattern(r"\b(percentage|percent|discount|abv|alcohol)\b")),
    (Asked.TEMPERATURE, _pattern(r"\b(temperature|how (hot|warm|cold))\b")),
    (Asked.SPEED, _pattern(r"\b(speed|how fast)\b")),
    (Asked.WEIGHT, _pattern(r"\b(weight|how heavy)\b")),
    (Asked.VOLUME, _pattern(r"\b(capacity|volume|how many litres|how much (beer|water|liquid))\b")),
    (Asked.LENGTH, _pattern(r"\bhow (far|deep|high|tall|wide)\b|\b(distance|depth|height|width|length)\b")),
    (
        Asked.DURATION,
        _pattern(r"\bhow long\b|\b(duration|how many (minutes|hours|days|weeks|months|years|nights))\b"),
    ),
    (Asked.COUNT, _pattern(r"\bhow (many|much)\b|\bwhat number\b")),
    (Asked.YEAR, _pattern(r"\b(what|which) year\b")),
    (Asked.DATE, _pattern(r"\b(when|what date|which date|what day|which day|what month)\b")),
    (Asked.PERSON, _pattern(r"^\s*who\b|\bwho (is|was|are|were|runs|leads|signed|designed|built)\b")),
    (Asked.PLACE, _pattern(r"\bwhere\b")),
]
_NUMBER = (
    r"(\d|\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty"
    r"|ninety|hundred|thousand|million|half|quarter|dozen)\b)"
)
# What a sentence must hold to answer each kind.
_HOLDS = {
    Asked.MONEY: _pattern(
        r"[£€$¥]|\b(pounds?|pence|euros?|cents?|dollars?|gbp|eur|usd|free|no charge)\b|\d+p\b"
    ),
    Asked.PERCENT: _pattern(r"%|\b(percent|per cent|abv)\b"),
    Asked.TEMPERATURE: _pattern(r"°|\b(degrees?|celsius|fahrenheit)\b"),
    Asked.DURATION: _pattern(
        r"\b(seconds?|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|months?|years?|overnight)\b"
    ),
    Asked.LENGTH: _pattern(
        r"\d\s?(m|cm|mm|km|ft|in)\b"
        r"|\b(metres?|meters?|kilometres?|miles?|feet|foot|inches|yards?|nautical miles?)\b"
    ),
    Asked.WEIGHT: _pattern(r"\d\s?(kg|g|t|lb|lbs)\b|\b(kilos?|kilograms?|grams?|tonnes?|tons?)\b"),
    Asked.VOLUME: _pattern(
        r"\d\s?(l|hl|ml)\b|\b(litres?|liters?|hectolitres?|gallons?|pints?|barrels?|casks?)\b"
    ),
    Asked.SPEED: _pattern(r"\b(knots?|mph|km/h|kph|miles an hour)\b"),
    Asked.FREQUENCY: _pattern(
        r"\b(every|each|daily|weekly|monthly|yearly|annually|once|twice|times|per (day|week|month|year))\b"
    ),
    Asked.COUNT: _pattern(_NUMBER),
    Asked.TIME: _pattern(
        r"\d{1,2}([:.]\d{2})?\s?(am|pm)\b|\b\d{1,2}[:.]\d{2}\b|\b(noon|midday|midnight|o'clock)\b|"
        + _NUMBER
        + r".{0,20}\b(morning|evening|afternoon|night)\b"
    ),
    Asked.DATE: _pattern(
        r"\d|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekdays?|weekends?"
        r"|january|february|march|april|may|june|july|august|september|october|november|december"
        r"|spring|summer|autumn|winter|morning|afternoon|evening|night|dawn|dusk|noon|midnight|today"
        r"|tomorrow|yesterday|daily|weekly|monthly|yearly|annually|before|after|during|until)\b"
    ),
    Asked.YEAR: re.compile(r"\b(1[5-9]|20)\d{2}\b"),
    # a masked name, or a name after a title or "by" (names are masked where a scrubber runs)
    Asked.PERSON: re.compile(
        r"<PERSON(?:_[0-9a-f]{8})?>|\b(Dr|Mr|Mrs|Ms|Mx|Prof|Sir|Dame)\.? [A-Z]|\bby [A-Z][a-z]+ [A-Z][a-z]+"
    ),
    Asked.PLACE: re.compile(  # a name, or a word that places
        r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+|\b(at|in|on|from|behind|beside|near|inside|outside|next to|past"
        r"|into|through|across|along|around|over|under|between|opposite|above|below|to|towards?)\b"
    ),
}


_MANNER = _pattern(r"^\W*how (do|does|did|can|could|should|would|will|is|are|was|were|to)\b")


def asked(question: str) -> Asked:
    """The kind of answer the question asks for; "how do bees tell where flowers are?" asks how."""
    if _MANNER.search(question):
        return Asked.ANY
    return next((kind for kind, pattern in _ASKED if pattern.search(question)), Asked.ANY)


_IRREGULAR = {
    "fed": "feed", "ran": "run", "built": "build", "paid": "pay", "sold": "sell", "held": "hold",
    "kept": "keep", "made": "make", "took": "take", "taken": "take", "bought": "buy", "brought": "bring",
    "sent": "send", "spent": "spend", "left": "leave", "met": "meet", "told": "tell", "said": "say",
    "found": "find", "gave": "give", "given": "give", "went": "go", "gone": "go", "came": "come",
    "ate": "eat", "eaten": "eat", "drove": "drive", "driven": "drive", "wrote": "write",
    "written": "write", "began": "begin", "begun": "begin", "grew": "grow", "grown": "grow",
    "chose": "choose", "chosen": "choose", "fell": "fall", "fallen": "fall", "rose": "rise",
    "risen": "rise", "stood": "stand", "led": "lead", "lost": "lose", "shut": "shut", "children": "child",
    "men": "man", "women": "woman", "people": "person", "feet": "foot", "teeth": "tooth", "mice": "mouse",
}  # fmt: skip


def stem(word: str) -> str:
    """A light English stem: plurals and -ing/-ed endings off, irregular forms to their root, so
    "cars" meets "car", "licensed" meets "license" and "fed" meets "feed"."""
    if word in _IRREGULAR:
        return stem(_IRREGULAR[word]) if _IRREGULAR[word] != word else word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2] if not word.endswith("eed") else word
    if len(word) > 4 and word.endswith("e"):
        return word[:-1]
    return word


# Words that stand for others in a question: "weekday" is met by "Monday" ... "Friday".
_STANDS_FOR = {
    "weekday": ("monday", "tuesday", "wednesday", "thursday", "friday"),
    "weekend": ("saturday", "sunday"),
    "price": ("cost", "fee", "charge", "fare"),
    "cost": ("price", "fee", "charge", "fare"),
    "fee": ("price", "cost", "charge"),
}


def terms(text: str) -> list[str]:
    """The text's content words, stemmed."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1 and not w.isdigit()]


def _met(term: str, found: set[str]) -> bool:
    return term in found or any(stem(other) in found for other in _STANDS_FOR.get(term, ()))


def holds_kind(sentence: str, kind: Asked, question: str = "") -> bool:
    """Whether the sentence holds an answer of the asked kind beyond what the question gives itself
    (a year or a name in the question is not the answer)."""
    pattern = _HOLDS.get(kind)
    if pattern is None:
        return True
    given = {word for word in re.findall(r"[\w<>]+", question) if word[:1].isupper() or word.isdigit()}
    rest = " ".join(word for word in sentence.split() if word.strip(".,;:?!()") not in given)
    return bool(pattern.search(rest))


SHORT_PASSAGE = 40  # words: a sign's or a slide's lines are read as one, with each other
_LINE_BREAK = re.compile(r"\n+")


def sentences(text: str) -> list[str]:
    """A passage's sentences, and the lines of lists, tables and signs each on its own."""
    found = []
    for line in _LINE_BREAK.split(text):
        line = " ".join(line.split())
        if not line:
            continue
        pieces = re.split(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9<])|(?<=:)\s+(?=[A-Z][^:;.]{0,40}:\s)", line)
        found += [piece.strip() for piece in pieces if piece.strip()]
    return found


def _units(text: str) -> list[str]:
    """What one piece of evidence is: a sentence, a line of a list or table, or a sign or a slide
    whole (a short passage of several lines, most without a sentence's end), its lines together."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    ended = sum(line.endswith((".", "!", "?")) for line in lines)
    if len(text.split()) <= SHORT_PASSAGE and len(lines) > 1 and 2 * ended < len(lines):
        return ["; ".join(lines)]
    return sentences(text)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One sentence of a passage, and how well it answers: `coverage` is the share of the
    question's terms it holds (with its passage's title), weighted by their rarity among the
    passages' sentences; `of_kind` whether it holds an answer of the asked kind."""

    marker: int
    rank: int  # the passage's place in the ranking, from 0
    position: int  # the sentence's place in its passage
    text: str
    coverage: float
    of_kind: bool
    informative: bool  # it says something beyond the question's own words

    @property
    def score(self) -> float:
        """Coverage, then an answer of the asked kind, with a prior for the better-ranked passage."""
        kind = 1.0 if self.of_kind else 0.6
        new = 1.0 if self.informative else 0.5
        return self.coverage * kind * new / (1 + 0.2 * self.rank)


@dataclass(frozen=True, slots=True)
class Reading:
    """What the passages say to a question: its kind, its terms, and the evidence, best first.
    `missing` are the question's terms no passage holds."""

    kind: Asked
    terms: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    missing: tuple[str, ...]

    @property
    def best(self) -> Evidence | None:
        return self.evidence[0] if self.evidence else None

    @property
    def support(self) -> float:
        """How much of the question the best sentence of the asked kind holds (0 if none does)."""
        return max((e.coverage for e in self.evidence if e.of_kind), default=0.0)


def read(question: str, passages: Sequence[Passage]) -> Reading:
    """The evidence the passages give for the question, best first."""
    kind = asked(question)
    wanted = list(dict.fromkeys(terms(question)))
    units = [
        (rank, position, passage, sentence)
        for rank, passage in enumerate(passages)
        for position, sentence in enumerate(_units(passage.text))
    ]
    held = [set(terms(sentence)) for *_, sentence in units]
    frequency = Counter(term for found in held for term in found)
    total = max(len(units), 1)
    weight = {
        term: math.log(1 + total / frequency[term]) if frequency[term] else math.log(1 + total)
        for term in wanted
    }
    whole = sum(weight.values()) or 1.0
    evidence = []
    context = {p.marker: set(terms(p.title)) for p in passages}
    for (rank, position, passage, sentence), found in zip(units, held, strict=True):
        titled = found | context[passage.marker]
        covered = sum(weight[term] for term in wanted if _met(term, titled)) / whole
        informative = bool(found - set(wanted)) or any(c.isdigit() for c in sentence)
        evidence.append(
            Evidence(
                passage.marker,
                rank,
                position,
                sentence,
                covered,
                holds_kind(sentence, kind, question),
                informative,
            )
        )
    evidence.sort(key=lambda e: (-e.score, e.rank, e.position))
    every = set().union(*held, *(set(terms(p.title)) for p in passages)) if units else set()
    missing = tuple(t for t in wanted if t not in every)
    return Reading(kind, tuple(wanted), tuple(evidence), missing)
