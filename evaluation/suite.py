"""An answer suite on disk: `suite.yaml` (documents and questions) beside a `documents/` folder.

    documents:                       # uploaded in this order (then by `order`)
      - {tenant: harbour, path: documents/harbour/fares.docx, order: 0,
         pii: [{kind: PERSON, value: Mary Jones}], keep: [Saltmarsh Queen]}
    questions:
      - id: q001
        tenant: harbour
        split: dev                   # dev (to tune on) or test (to report)
        kind: table                  # free text: figures are also given per kind
        turns: [How much is an adult single fare?]   # a chat; the last turn is scored
        expect: {answer: [[17.85]], source: fares.docx, page: null, window: null}
        abstain: false               # true: the documents do not hold the answer
        must_not: [16.40]            # words the answer must not contain
        keep: []                     # named things that are not people: never shown masked

An expected answer is groups of alternatives: every group must appear in the answer (ignoring
case), any one alternative of a group will do. `window` is [start, end] seconds a cited recording's
passage must overlap; `page` the cited PDF page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ragloom.core.errors import InvalidInput


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PiiValue(_Strict):
    kind: str
    value: str = Field(min_length=1)


class SuiteDocument(_Strict):
    tenant: str = Field(min_length=1)
    path: str
    order: int = 0
    pii: list[PiiValue] = Field(default_factory=list)
    keep: list[str] = Field(default_factory=list)
    transcript: str | None = None  # what a recording says, for word error rates


class Expectation(_Strict):
    answer: list[list[str]] = Field(default_factory=list)
    source: str | None = None
    page: int | None = Field(None, ge=1)
    window: tuple[float, float] | None = None


class SuiteQuestion(_Strict):
    id: str
    tenant: str
    split: Literal["dev", "test"] = "test"
    kind: str = "prose"
    turns: list[str] = Field(min_length=1)
    expect: Expectation = Field(default_factory=Expectation)
    abstain: bool = False
    must_not: list[str] = Field(default_factory=list)
    keep: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _expectation_fits(self) -> SuiteQuestion:
        if self.abstain and self.expect.answer:
            raise ValueError(f"question {self.id}: an abstaining question expects no answer")
        if not self.abstain and not self.expect.answer:
            raise ValueError(f"question {self.id}: say what the answer holds (expect.answer) or abstain")
        return self


class Suite(_Strict):
    name: str = "answers"
    documents: list[SuiteDocument]
    questions: list[SuiteQuestion]

    @property
    def tenants(self) -> list[str]:
        return sorted({d.tenant for d in self.documents} | {q.tenant for q in self.questions})


def load_suite(folder: Path) -> Suite:
    """The suite in `folder`; InvalidInput naming what is wrong."""
    path = folder / "suite.yaml"
    try:
        suite = Suite.model_validate(yaml.safe_load(path.read_text()))
    except OSError as error:
        raise InvalidInput(f"no suite at {path}: {error.strerror}") from None
    except (yaml.YAMLError, ValidationError) as error:
        raise InvalidInput(f"{path} is not a valid answer suite: {error}") from None
    missing = [d.path for d in suite.documents if not (folder / d.path).is_file()]
    if missing:
        raise InvalidInput(f"the suite's documents are missing: {', '.join(missing[:5])}")
    return suite
