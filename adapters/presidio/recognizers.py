"""What ragloom adds to Presidio's recognizers, measured with `ragloom eval pii` (bench/README.md):

- patterns that judge a value by its shape, not by whether it is assigned: an address whose domain
  is no public suffix (an intranet's, `.example`) is still an address, and a phone number in a
  range kept for fiction or not yet issued is shaped like any other. Presidio's own validate both
  (tldextract, libphonenumber) and so missed most of them;
- names the small spaCy model does not know (double-barrelled, Irish, Polish, Vietnamese...), found
  by their shape where something says they name a person: a title, a role label ("Bookkeeping:
  Imogen Farley-Stroud"), a possessive, or a verb that takes a person ("ask", "ring", "text");
- rules that drop what is not a person: a single word with no such sign (a gene, a verb at the
  start of a sentence, a city), a name after "the" (a ship, a lighthouse), and a name whose last
  word says what kind of thing it is (Thomas Pier, Holly Lodge, Hope Springs Bakery).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult

NAME_SCORE = 0.75  # a name-shaped span with a sign of a person (spaCy's own PERSON: 0.85)
# Signs that outweigh spaCy taking the span for a place or an organisation.
_STRONG_SIGNS = frozenset({"title", "role", "possessive", "verb", "contact"})
_SPACY_THINGS = frozenset(
    {"GPE", "LOC", "ORG", "FAC", "PRODUCT", "NORP", "EVENT", "LAW", "WORK_OF_ART", "LANGUAGE"}
)

# ---------------------------------------------------------------------------------------------------
# Shapes

_EMAIL = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?![\w-])"
_PHONES = [
    # +CC and groups, with a trunk zero in brackets: +44 20 7946 0958, +49 (0)40 5550 3318
    r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(0\))?(?:[ .-]?\d{1,5}){2,6}(?![\w])",
    # a national number with its trunk zero: 0161 496 0736, (020) 7946 0533, 030-901820
    r"(?<![\w+])(?:\(0\d{1,4}\)|0\d{1,4})(?:[ .-]?\d{2,4}){1,4}(?![\w])",
    # North American: (555) 010-4477, 555.010.4477, 212-555-0163
    r"(?<![\w+])(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[.-]\d{4}(?![\w])",
]
_CARD = r"(?<![\w])\d(?:[ -]?\d){12,18}(?![\w])"
_IBAN = r"(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![\w])"


def luhn(value: str) -> bool:
    digits = [int(c) for c in value if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


class ShapedEmailRecognizer(PatternRecognizer):
    def __init__(self) -> None:
        super().__init__(
            "EMAIL_ADDRESS", name="ShapedEmailRecognizer", patterns=[Pattern("email", _EMAIL, 1.0)]
        )


class ShapedPhoneRecognizer(PatternRecognizer):
    """Nine to fifteen digits in the shape of an international, national or North American number."""

    def __init__(self) -> None:
        patterns = [Pattern(f"phone {i}", regex, 0.7) for i, regex in enumerate(_PHONES)]
        super().__init__("PHONE_NUMBER", name="ShapedPhoneRecognizer", patterns=patterns)

    def validate_result(self, pattern_text: str) -> bool | None:
        return 9 <= sum(c.isdigit() for c in pattern_text) <= 15


class LuhnCardRecognizer(PatternRecognizer):
    """Thirteen to nineteen digits, grouped or not, that pass the Luhn check: any card scheme."""

    def __init__(self) -> None:
        super().__init__("CREDIT_CARD", name="LuhnCardRecognizer", patterns=[Pattern("card", _CARD, 0.9)])

    def validate_result(self, pattern_text: str) -> bool | None:
        return luhn(pattern_text)


def iban(value: str) -> bool:
    """ISO 13616: the rearranged IBAN, letters as numbers, leaves 1 modulo 97."""
    compact = value.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    return int("".join(str(int(c, 36)) for c in compact[4:] + compact[:4])) % 97 == 1


class Mod97IbanRecognizer(PatternRecognizer):
    """Any country's IBAN, grouped or not, by its checksum alone."""

    def __init__(self) -> None:
        super().__init__(
            "IBAN_CODE",
            name="Mod97IbanRecognizer",
            patterns=[Pattern("iban", _IBAN, 1.0)],
            global_regex_flags=re.MULTILINE,  # case-sensitive: country codes are capitals
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        return iban(pattern_text)


# ---------------------------------------------------------------------------------------------------
# Names


def _listed(words: str) -> list[str]:
    return words.split()


_WORD = re.compile(r"[^\W\d_](?:[\w\u2019'-]*[^\W_])?")
TITLES = frozenset(
    _listed("dr mr mrs ms mx miss prof professor sir dame rev revd fr sr dr. mr. mrs. ms. prof.")
)
# Joining words inside names: Seán Mac Giolla Phádraig, Siobhán Ní Dhubhghaill, Ludwig van Beek.
_PARTICLES = frozenset(
    _listed("de da di du del della der den van von la le dos das bin ibn al el y ní nic ó ua")
)
# Words that take a person next: "ask Priya", "ring Brigid Nolan", "held by Declan Moriarty".
_BEFORE = frozenset(
    _listed("""
    ask asked ring rang call phone text texted email emailed contact contacted tell told thank
    thanks met meet see saw visit visited invite invited pay paid charge charged refund refunded
    registered held owned signed booked written hired employed cc dear hi hello holder owner""")
)
# A labelled field right before a value: "Bookkeeping: ", "Ship: ", "Head of Operations: ".
_LABEL = re.compile(r"(?:^|[\n.;|,]|\s{2})\s*([A-Z][\w/&' -]{0,40}?)\s*:\s*$")
# Labels whose value is a person: the label's first or last word says a role, a duty or a contact.
ROLE_WORDS = frozenset(
    _listed("""
    manager director brewer keeper officer nurse vet vets veterinarian surgeon doctor bookkeeping
    bookkeeper accounts accountant reception receptionist contact contacts owner owners holder
    captain skipper master mate engineer chair chairman chairwoman chairperson secretary treasurer
    editor author host guide driver technician assistant lead head coordinator supervisor call duty
    staff name names signed attendee attendees guest guests patient client customer applicant
    tenant landlord president founder partner partners agent clerk cashier chef cook steward
    stewardess crew trainer instructor teacher enquiries inquiries press by from to cc attn
    attention person people member members employee employees worker workers volunteer volunteers
    representative rep sales payroll billing sender recipient carer organiser organizer student
    resident accountant assistant agent president""")
)
_RANKS = frozenset(_listed("head chief deputy assistant acting senior junior lead"))
# Labels whose value is a thing, not a person: "Ship: Lady Elspeth Caird", "Beer: Old Gregor".
THING_LABELS = frozenset(
    _listed("""
    ship vessel boat ferry launch route beer ale lager stout cider wine drink style pack product item
    brand ticket tickets tank room rooms network wifi wi-fi password code model series edition range
    company venue location place address street town city country island pier destination origin
    departure arrival service services course dish menu food award event title subject heading
    project van vehicle horse dog cat pet breed animal plant variety hop hops malt yeast supplier
    suppliers shop store brewery farm kennel kennels building site accommodation pod cattery""")
)
# The last word of a name that says what kind of thing it names, not who.
THING_HEADS = frozenset(
    _listed("""
    pier quay wharf dock marina express harbour harbor port point head bay sound isle island islands rock
    reef beach cove lighthouse light tower bridge street st road rd lane row avenue ave way close drive square
    place park gardens garden hill hills mount mountain valley field fields farm farms wood woods
    forest lake loch river falls springs spring well lodge house hall manor court cottage cottages
    barn mill inn hotel hostel tavern pub bar cafe café bakery kitchen brewery distillery shop store
    market centre center clinic hospital surgery school college university library museum gallery
    theatre church chapel station terminal depot yard works building tank tanks van vans ferry boat
    ship ships queen king princess prince lady ale ales lager stout porter bitter beer beers cider
    formula supper chunks shortbread blend roast reserve biscuits bars team office desk group company
    ltd limited inc trust society association council fund growers maltings farmers walk trail way
    festival fair show week day kennels cattery pod mutual insurance bank labs lab laboratory
    laboratories edition
    series range collection model version special supplies supply
    foods feeds goods services systems products tours""")
)
_SHIP_PREFIXES = frozenset(_listed("mv ms ss hms rv mt fv"))


# The first word of a name that says it names a place or a thing: Mount Hallow, Port Annick.
THING_FIRSTS = frozenset(
    _listed(
        "mount mt port fort cape glen loch lake saint st king queen prince princess old new big little great"
    )
)
# Capitalized words that are no part of a name: a sentence's first determiner, days and months.
NOT_NAME_WORDS = frozenset(
    _listed("""
    the a an our your my his her its their this that these those any each every some no all both
    mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday sunday
    jan feb mar apr jun jul aug sep sept oct nov dec january february march april may june july august
    september october november december visa mastercard amex maestro discover""")
)
# Words after a name that say it names a speaker: "..., Mateus said."
_AFTER = frozenset(
    _listed("said says told asked asks wrote writes added replied explained noted confirmed agreed")
)
# Lowercase words that start a clause whose subject may be a name: "where Ifeoma Eze keeps..."
_CONNECTORS = frozenset(_listed("where when while because that if so but until after before since and or"))
# Personal data right after a name: "Anand Krishnan (+44 ...)", "Helga Sigurðardóttir: a@b.example".
_CONTACT_AFTER = re.compile(r"\s*[,:(]?\s*\(?(?:[\w.+-]+@[\w-]+\.|\+?\d(?:[ ().-]?\d){8,})")
_ACCOUNT_AFTER = re.compile(r",? (?:iban|card|account)\b", re.I)
# Words before a name that say a person, place or thing may follow: they count for two words or
# more ("to Brigid Nolan"), not for one ("to Hamburg").
# Words before a name that make it a thing's: "the Saltmarsh Queen", "our New York desk".
_THING_BEFORE = frozenset(_listed("the st saint our your their this these those its"))
_PREPOSITIONS = frozenset(_listed("with by for to from through via attn attention"))
# Words before a preposition that make what follows a person, even one word: "ask for Dolores".
_ASKING = frozenset(
    _listed("ask asked check checked speak spoke talk talked write wrote reply replied go went")
)
_POSSESSIVE = ("'s", "\u2019s")
_CLAUSE_START = re.compile(r"(?:^|[.!?;:]\s+|\n\s*)$")


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper() and (len(self.text) == 1 or not self.text.isupper())

    @property
    def lower(self) -> str:
        return self.text.casefold()


def _tokens(text: str) -> list[_Token]:
    """Words, a possessive's "'s" left out (Girard's -> Girard)."""
    found = []
    for match in _WORD.finditer(text):
        word, end = match.group(), match.end()
        if word.endswith(_POSSESSIVE) and len(word) > 2:
            word, end = word[:-2], end - 2
        found.append(_Token(word, match.start(), end))
    return found


def _name_word(token: _Token) -> bool:
    """A capitalized word that may be part of a name: not a title, a verb, a determiner, a day or a
    month; each part of a hyphenated word capitalized (Price-Davies, not Time-lapse); no capital
    inside a part (FelineShield), but for Mc, Mac and O' (McKenzie, MacLeod, O'Neill)."""
    lower = token.lower
    if not token.capitalized or lower in TITLES or lower in _BEFORE or lower in NOT_NAME_WORDS:
        return False
    if any(c.isdigit() for c in token.text):
        return False
    for part in token.text.split("-"):
        if not part[:1].isupper():
            return False
        body = (
            part[3:]
            if part.startswith(("Mac", "O'", "O\u2019"))
            else part[2:]
            if part.startswith("Mc")
            else part[1:]
        )
        if any(c.isupper() for c in body):
            return False
    return True


def _name_runs(tokens: list[_Token], text: str) -> Iterator[tuple[int, int]]:
    """(first, last) token indexes of runs of capitalized words (with the particles names join),
    separated by single spaces, one to five words long; a capitalized verb that starts a sentence
    ("Ring Brigid Nolan") is not part of the run."""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (
            not token.capitalized
            or token.lower in TITLES
            or token.lower in _PARTICLES
            or token.lower in _BEFORE
        ):
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and text[tokens[j].end : tokens[j + 1].start] == " ":
            following = tokens[j + 1]
            if _name_word(following) or (following.lower in _PARTICLES and j + 2 < len(tokens)):
                j += 1
            else:
                break
        while j > i and tokens[j].lower in _PARTICLES:
            j -= 1
        if j - i < 5:
            yield i, j
        i = j + 1


def person_sign(text: str, start: int, end: int) -> str | None:
    """What says the span start..end of `text` names a person, if anything: a title before it, a
    role label, a possessive, a word that takes a person before it, a contact address after it, or
    for two words or more, being a sentence's subject (a lowercase word follows)."""
    before = text[max(0, start - 60) : start]
    words_before = [t.lower for t in _tokens(before)]
    if words_before and words_before[-1] in TITLES:
        return "title"
    label = _LABEL.search(before)
    several = len(_tokens(text[start:end])) > 1
    if label is not None and _names_a_role(label.group(1)):
        return "role"
    appositive = re.search(r"(\w+), $", before)
    if several and appositive and _role_word(appositive.group(1).casefold()):
        return "role"  # "the cellar supervisor, Ingrid Ødegård-Brandt"
    if several and text[end : end + 2] in _POSSESSIVE:
        return "possessive"  # "Raj Malhotra's"; one word is as often an eponym (Cox's model)
    if _in_heading(text, start):
        return None  # a title-cased heading ("Comparison with Two Different PCR Assays") says nothing more
    # a word before counts only when it is the word right before, on the same line
    last_before = words_before[-1] if words_before and re.search(r"\w[ ]$", before) else ""
    if last_before in _BEFORE or (several and _a_persons_verb(last_before)):
        return "verb"  # "ring Brigid Nolan", "drove Kwabena Asante to the ferry"
    if last_before in _PREPOSITIONS and (several or (len(words_before) > 1 and words_before[-2] in _ASKING)):
        return "preposition"  # "to Brigid Nolan", "ask for Dolores", "check with Mehmet"
    if several and last_before in ("and", "or") and _person_before(text, before):
        return "beside a person"
    if several and (_CONTACT_AFTER.match(text[end : end + 40]) or _ACCOUNT_AFTER.match(text[end : end + 12])):
        return "contact"
    spoken = re.match(r",? (?:" + "|".join(_AFTER) + r")\b", text[end : end + 20])
    if spoken and (several or text[max(0, start - 2) : start] == ", "):
        return "speaker"
    if _spoken_to(text, start, end):
        return "spoken to"
    opens = _CLAUSE_START.search(before) or (several and last_before in _CONNECTORS and before.endswith(" "))
    verb = re.match(r" ([a-z]+)\b", text[end : end + 30])
    if several and opens and verb and _a_persons_verb(verb.group(1)):
        return "subject"  # "Reto Brunner wants...", not "Empirical Bayesian models..."
    return None


_FUNCTION_WORDS = frozenset(
    _listed("with from into onto over under upon than that this these those their what when")
)
# Past tenses that are no -ed: "that Heikki Järvinen built", "drove Kwabena Asante to the ferry".
_IRREGULAR_PAST = frozenset(
    _listed("""
    built bought brought caught chose came drew drank drove ate fell felt found flew forgot got gave
    went grew heard hid hit held hurt kept knew laid led left lent lost made meant met paid put read
    rode rang rose ran said saw sold sent set shook shot showed sang sat slept spoke spent stood stole
    swam took taught told thought threw understood woke wore won wrote""")
)
_PERSONS_VERBS = frozenset(
    _listed("""
    is was has had will would can could should may might must does did says said asks asked wants
    wanted needs needed pays paid owns owned runs ran keeps kept lives lived works worked manages
    answers coordinates shares share moved drove bought sold sent took gave told wrote met left joined
    handled crewed photographed switched leads led holds held signed booked called rang emailed""")
)


def _spoken_to(text: str, start: int, end: int) -> bool:
    """A name the sentence speaks to: after its opening word ("Sorry, Fiona, the glaze..."), or
    closing it ("..., Connor."); not an item of a list."""
    opening = re.search(r"(?:^|[.!?]\s+)[A-Z]\w*, $", text[max(0, start - 20) : start])
    closing = text[max(0, start - 2) : start] == ", " and text[end : end + 1] in (".", "!", "?")
    return bool(opening and text[end : end + 1] == ",") or closing


def _a_persons_verb(word: str) -> bool:
    """A verb a person's name is the subject or object of: a past tense, or one of the common ones."""
    return word in _PERSONS_VERBS or word in _IRREGULAR_PAST or (len(word) > 3 and word.endswith("ed"))


def _in_heading(text: str, at: int) -> bool:
    """Whether the line around `at` is a title-cased heading: no sentence's end, and three words or
    more of over three letters, all capitalized ("Comparison with Two Different PCR Assays")."""
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    line = text[line_start : line_end if line_end >= 0 else len(text)].strip()
    if line.endswith((".", "!", "?")):
        return False
    words = [t for t in _tokens(line) if len(t.text) > 3 and t.lower not in _FUNCTION_WORDS]
    return len(words) >= 3 and all(t.text[:1].isupper() for t in words)


def _role_word(word: str) -> bool:
    """A word for a person's role: listed, or an agent noun (harbourmaster, organiser, receptionist)."""
    agent = word.endswith(("master", "keeper", "ist", "ian", "man", "woman", "person")) or (
        len(word) > 5 and word.endswith(("er", "or"))
    )
    return word in ROLE_WORDS or (agent and word not in THING_LABELS)


def _names_a_role(label: str) -> bool:
    """A label whose head (its last word) is a role, or that starts with a rank: "Site manager",
    "On call", "Head of Operations"."""
    words = [t.lower for t in _tokens(label)]
    return bool(words) and (_role_word(words[-1]) or words[0] in _RANKS)


def _names_a_thing(label: str) -> bool:
    words = [t.lower for t in _tokens(label)]
    return bool(words) and words[-1] in THING_LABELS


def _person_before(text: str, before: str) -> bool:
    """Whether "X and" before a name has a person for X: a name-shaped run with a sign of its own."""
    head = before.rstrip()
    head = head[: head.rfind(" ")] if " " in head else ""
    tokens = _tokens(head)
    runs = list(_name_runs(tokens, head))
    if not runs or tokens[runs[-1][1]].end != len(head):
        return False
    first, last = runs[-1]
    start, end = tokens[first].start, tokens[last].end
    return not is_thing(text, start, end) and person_sign(text, start, end) not in (None, "beside a person")


def is_thing(text: str, start: int, end: int) -> bool:
    """Whether the span names a thing, not a person: after "the" or a ship's prefix, or its first
    or last word says what kind of thing it is."""
    words = _tokens(text[start:end])
    before = [t.lower for t in _tokens(text[max(0, start - 12) : start])]
    if before and (before[-1] in _THING_BEFORE or before[-1] in _SHIP_PREFIXES):
        return True
    label = _LABEL.search(text[max(0, start - 50) : start])
    if label is not None and _names_a_thing(label.group(1)):
        return True  # "Ship: Lady Elspeth Caird", "Beer: Old Gregor": the label says what it is
    apposed = re.search(
        r"\b(?:the|a|an|our|your|their|its|his|her)\s+(?:\w+\s+)?(\w+), $", text[max(0, start - 40) : start]
    )
    if apposed is not None and apposed.group(1).casefold() in THING_HEADS | THING_LABELS:
        return True  # "our second van, Lady Elsbeth"
    if not words or re.match(r" ?\d", text[end : end + 2]):  # FelineShield 3, Model 7
        return not words or len(words) == 1
    first, rest = words[0].lower, [w.lower for w in words[1:]]
    if first in _SHIP_PREFIXES or (rest and first in THING_FIRSTS):
        return True
    return any(word in THING_HEADS for word in rest) or (not rest and first in THING_HEADS)


class NameShapeRecognizer(EntityRecognizer):
    """Names by their shape (capitalized words, with the particles names join) where something says
    they name a person (`person_sign`) and nothing says they name a thing (`is_thing`)."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], name="NameShapeRecognizer")

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        if "PERSON" not in entities:
            return []
        tokens = _tokens(text)
        # What spaCy's recognizer takes for a place, an organisation, a product... is not a name
        # here: it is weak at unusual names, not at these.
        things = [
            (entity.start_char, entity.end_char)
            for entity in getattr(nlp_artifacts, "entities", None) or ()
            if entity.label_ in _SPACY_THINGS
        ]
        found = []
        for first, last in _name_runs(tokens, text):
            start, end = tokens[first].start, tokens[last].end
            if is_thing(text, start, end):
                continue
            sign = person_sign(text, start, end)
            spacy_thing = any(s < end and e > start for s, e in things)
            if sign in _STRONG_SIGNS or (sign is not None and not spacy_thing):
                found.append(RecognizerResult("PERSON", start, end, NAME_SCORE))
        return found


def person_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The part of a PERSON finding (spaCy's or another's) that stands, if any: the span without
    the words at its edges that are no part of a name ("Email Mary Okafor" -> "Mary Okafor"); a
    thing's name never stands, and a single word only with a sign of a person ("Ask Priya", "Dr.
    Okafor", "Connor's")."""
    words = _tokens(text[start:end])
    while words and not _name_word(words[0]):
        words = words[1:]
    while words and not _name_word(words[-1]):
        words = words[:-1]
    if not words or not all(_name_word(w) or w.lower in _PARTICLES for w in words):
        return None  # "Will you", "Kiln Time-lapse": not a name's words
    start, end = start + words[0].start, start + words[-1].end
    if is_thing(text, start, end):
        return None
    if len(words) > 1 or person_sign(text, start, end) is not None:
        return start, end
    return None


def added_recognizers() -> list[EntityRecognizer]:
    return [
        ShapedEmailRecognizer(),
        ShapedPhoneRecognizer(),
        LuhnCardRecognizer(),
        Mod97IbanRecognizer(),
        NameShapeRecognizer(),
    ]
