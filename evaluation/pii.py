"""`ragloom eval pii FILE`: precision and recall of the configured PII scrubber per entity type, on
labelled sentences (JSON lines: {"sentence", "mentions": [{"text", "label"}], "split"}).

A mention's `text` occurs once in its sentence; its label is an entity type (PERSON, EMAIL_ADDRESS,
PHONE_NUMBER, CREDIT_CARD, IBAN_CODE, ...) or NOT_PERSON for a look-alike that must stay (a ship, a
place, a product, a heading, a gene). The scrubber masks each sentence as it would a document (type
tags); the masked text is aligned with the sentence to see which spans each tag replaced.

- recall of a type: its mentions left with no identifying part showing (a name's letters, four
  digits of a number);
- precision of a type: its tags that replaced part of a mention of that type;
- NOT_PERSON: the share of look-alikes masked in part or whole (over-masking).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ragloom.core.errors import InvalidInput
from ragloom.core.models import Scrubbed, TenantId
from ragloom.core.ports import PiiScrubber

NOT_PERSON = "NOT_PERSON"
_TAG = re.compile(r"<([A-Z_]+?)(?:_[0-9a-f]{8})?>")
_TITLES = {"dr", "mr", "mrs", "ms", "prof", "sir", "dame", "miss"}
_TENANT = TenantId("pii-eval")


class Mention(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1)
    label: str = Field(min_length=1)


class Labelled(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sentence: str
    mentions: list[Mention]
    split: str = "test"


def load_labelled(path: Path) -> list[Labelled]:
    try:
        lines = path.read_text().splitlines()
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from None
    found = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = Labelled.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as error:
            raise InvalidInput(f"{path}:{number}: not a labelled sentence: {error}") from None
        for mention in item.mentions:
            if item.sentence.count(mention.text) != 1:
                raise InvalidInput(f"{path}:{number}: {mention.text!r} must occur once in its sentence")
        found.append(item)
    return found


@dataclass
class Tally:
    mentions: int = 0
    masked: int = 0  # mentions fully masked (recall), or for NOT_PERSON touched by a mask
    tags: int = 0  # tags of this type in the outputs
    right_tags: int = 0  # of those, tags over a mention of this type

    def to_json(self, label: str) -> dict[str, Any]:
        if label == NOT_PERSON:
            share = self.masked / self.mentions if self.mentions else None
            return {"mentions": self.mentions, "masked": self.masked, "over_masking": _round(share)}
        return {
            "mentions": self.mentions,
            "recall": _round(self.masked / self.mentions if self.mentions else None),
            "tags": self.tags,
            "precision": _round(self.right_tags / self.tags if self.tags else None),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _replaced(sentence: str, result: Scrubbed) -> list[tuple[int, int, str]]:
    """(start, end, type) of each span of `sentence` the scrubber masked: its own account where it
    gives one, else read from the difference of the two texts."""
    if result.masks or result.text == sentence:
        return [(mask.start, mask.end, mask.entity) for mask in result.masks]
    spans = []
    matcher = difflib.SequenceMatcher(None, sentence, result.text, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("replace", "insert"):
            for tag in _TAG.finditer(result.text[j1:j2]):
                spans.append((i1, max(i2, i1 + 1), tag.group(1)))
    return spans


def _still_shown(sentence: str, start: int, end: int, label: str, spans: list[tuple[int, int, str]]) -> bool:
    """Whether an identifying part of the mention at start..end is left unmasked: letters of a name,
    four or more digits of a number, three characters of anything else."""
    kept = "".join(
        char if not any(s <= at < e for s, e, _ in spans) else " "
        for at, char in enumerate(sentence[start:end], start=start)
    )
    if label == "PERSON":
        return any(
            len(word) > 1 and word.casefold() not in _TITLES for word in re.findall(r"[^\W\d_]+", kept)
        )
    if sum(char.isdigit() for char in kept) >= 4:
        return True
    return any(len(run) >= 3 for run in re.findall(r"[^\W_]+", kept)) and not any(
        c.isdigit() for c in sentence[start:end]
    )


async def evaluate_pii(scrubber: PiiScrubber, items: Sequence[Labelled]) -> dict[str, dict[str, Tally]]:
    """Tallies per split and label."""
    outputs = await scrubber.scrub(_TENANT, [item.sentence for item in items])
    tallies: dict[str, dict[str, Tally]] = {}
    for item, result in zip(items, outputs, strict=True):
        split = tallies.setdefault(item.split, {})
        spans = _replaced(item.sentence, result)
        located = [
            (item.sentence.index(m.text), item.sentence.index(m.text) + len(m.text), m) for m in item.mentions
        ]
        for start, end, mention in located:
            tally = split.setdefault(mention.label, Tally())
            tally.mentions += 1
            touched = any(s < end and e > start for s, e, _ in spans)
            if mention.label == NOT_PERSON:
                tally.masked += touched
            else:
                tally.masked += not _still_shown(item.sentence, start, end, mention.label, spans)
        for s, e, kind in spans:
            tally = split.setdefault(kind, Tally())
            tally.tags += 1
            tally.right_tags += any(m.label == kind and s < end and e > start for start, end, m in located)
    return tallies


def pii_json(tallies: dict[str, dict[str, Tally]]) -> dict[str, Any]:
    return {
        split: {label: tally.to_json(label) for label, tally in sorted(labels.items())}
        for split, labels in sorted(tallies.items())
    }
