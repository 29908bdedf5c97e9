"""core.evidence: what a question asks for, and which sentence of the passages answers it."""

from __future__ import annotations

import pytest

from ragloom.core.chunking import ChunkingPolicy, chunk_segments
from ragloom.core.evidence import Asked, asked, holds_kind, read
from ragloom.core.models import Passage, Segment
from ragloom.core.text import read_lines


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How much does a day of parking cost?", Asked.MONEY),
        ("What is the ABV of the porter?", Asked.PERCENT),
        ("At what temperature is the pool kept?", Asked.TEMPERATURE),
        ("How far ahead must freight be booked?", Asked.DURATION),
        ("How deep is the pool?", Asked.LENGTH),
        ("How often does the fog signal sound?", Asked.FREQUENCY),
        ("How many cars can the ferry take?", Asked.COUNT),
        ("Until what time is the office open?", Asked.TIME),
        ("In what year did the kennels open?", Asked.YEAR),
        ("Who designed the clock tower?", Asked.PERSON),
        ("Where are the classes held?", Asked.PLACE),
        ("Why is the cafe closed?", Asked.ANY),
    ],
)
def test_what_a_question_asks_for(question, kind):
    assert asked(question) == kind


def test_an_answer_of_the_asked_kind_is_more_than_the_question_gives():
    assert holds_kind("Parking costs £8 a day.", Asked.MONEY)
    assert not holds_kind("Parking is behind the clinic.", Asked.MONEY)
    assert holds_kind("The pool is 1.4 m deep.", Asked.LENGTH)
    assert not holds_kind("Water is kept at 30 degrees.", Asked.LENGTH)
    question = "How many vets worked at the clinic when it was founded in 1987?"
    assert not holds_kind("The clinic was founded in 1987 by Dr <PERSON>.", Asked.COUNT, question)
    assert holds_kind("It opened in 2019.", Asked.YEAR) and not holds_kind("Bays: 90 minutes.", Asked.YEAR)


def test_the_best_evidence_holds_the_rare_terms_and_the_answer():
    passages = [
        Passage(
            1,
            "Dogs are walked twice a day in the paddock, and cats stay in heated pods. Every dog boarding "
            "with us must have had its kennel cough vaccine at least 14 days before arrival.",
            "Boarding",
        ),
        Passage(2, "Vaccine: Kennel cough; First dose: 10 weeks; Booster: Every year.", "Vaccinations"),
    ]
    reading = read("How many days before a kennel stay must a dog have its kennel cough vaccine?", passages)
    assert reading.best is not None and "14 days before arrival" in reading.best.text
    assert reading.best.of_kind and reading.support == reading.best.coverage > 0.5


def test_a_sign_or_a_slide_is_read_whole_and_a_table_row_as_one():
    sign = Passage(1, "COLD STORE\nSet point: 3 degrees C\nDoor code: 4471B", "cold store sign")
    table = Passage(2, "Fleet.\n\nVessel: Morven Star; Passengers: 260; Cars: 22.", "About us")
    assert read("What is the door code of the cold store?", [sign]).best.text == (
        "COLD STORE; Set point: 3 degrees C; Door code: 4471B"
    )
    best = read("How many cars can the Morven Star take?", [table]).best
    assert best.text == "Vessel: Morven Star; Passengers: 260; Cars: 22."


def test_without_an_answer_of_the_asked_kind_there_is_no_support():
    passages = [Passage(1, "The hydrotherapy pool water is kept at 30 degrees for the dogs.", "Rehab")]
    reading = read("How deep is the hydrotherapy pool?", passages)
    assert reading.kind is Asked.LENGTH and reading.support == 0.0


def test_a_signs_lines_stay_apart_and_a_label_keeps_its_value():
    """OCR'd lines: a sign's label and value stay on one line and apart from the next label, so the
    sign is read whole and the value is quoted with its label; wrapped prose joins up again."""
    sign = read_lines(
        [
            "FERNHOLLOW VETERINARY CLINIC",
            "Please ring the bell once",
            "Flea treatment pick-up: Counter 2",
            "Wi-Fi password: Wagtail-4471",
        ]
    )
    assert sign.split("\n\n") == [
        "FERNHOLLOW VETERINARY CLINIC",
        "Please ring the bell once",
        "Flea treatment pick-up: Counter 2",
        "Wi-Fi password: Wagtail-4471",
    ]
    (chunk,) = chunk_segments([Segment(sign)], "reception sign", ChunkingPolicy())
    reading = read(
        "At which counter do I collect flea treatment?", [Passage(1, chunk.text, "reception sign")]
    )
    assert "Counter 2" in reading.best.text
    assert read_lines(["The kennels are open from", "eight until six.", "Closed on Sundays"]) == (
        "The kennels are open from eight until six.\n\nClosed on Sundays"
    )
