"""A scanned report, a slide deck, a spreadsheet and an e-mail, made here, ingested with `ragloom
ingest` on the embedded profile and asked about with `ragloom ask`: each answer quotes its fact and
cites the page, slide, sheet row or message it came from; the e-mail's attachment is a document of
its own, cited by its page."""

from __future__ import annotations

import json

import pytest

from tests.e2e.test_cli import ragloom
from tests.helpers import documents
from tests.helpers.pdf import make_pdf


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "office"
    folder.mkdir()
    dues = make_pdf(["Harbour dues", "A yacht berth costs 38 pounds a night from April."], title="Dues")
    (folder / "safety-report.pdf").write_bytes(
        documents.scanned_pdf(
            [
                ["Harbour Safety Report", "Prepared by the harbour office for the board."],
                ["Repairs", "The north breakwater light was repaired on 3 March."],
            ]
        )
    )
    (folder / "briefing.pptx").write_bytes(
        documents.deck(
            [
                {"title": "Crew briefing", "body": ["Welcome aboard the winter season."]},
                {"title": "Emergencies", "body": ["The crew muster point is the car deck."]},
            ]
        )
    )
    (folder / "fares.xlsx").write_bytes(
        documents.workbook(
            {
                "Notes": [["Note"], ["Fares include VAT."]],
                "Fees": [["Route", "Adult single"], ["Fennick Isle", 12.4], ["Inchmurran", 17.85]],
            },
            formats={"B": '"£"#,##0.00'},
        )
    )
    (folder / "winter-timetable.eml").write_bytes(
        documents.mail(
            "Winter timetable",
            "From January the first morning ferry leaves at 07:15.",
            attachments=[("harbour-dues.pdf", "application/pdf", dues)],
        )
    )
    return folder


def test_ask_cites_a_scanned_page_a_slide_a_sheet_row_and_an_email(env, folder):
    ingested = ragloom(env, "ingest", str(folder))
    assert ingested.returncode == 0, ingested.stderr
    assert "5 of 5 documents ingested (1 of them attached to e-mails)" in ingested.stderr
    cases = [
        ("When was the north breakwater light repaired?", "3 March", "safety-report.pdf p.2"),
        ("What is the crew muster point?", "car deck", "briefing.pptx slide 2"),
        ("How much is an adult single fare to Inchmurran?", "17.85", "fares.xlsx sheet Fees row"),
        ("At what time does the first morning ferry leave from January?", "07:15", "winter-timetable.eml"),
        ("How much does a yacht berth cost a night?", "38 pounds", "harbour-dues.pdf p.2"),  # attached
    ]
    for question, fact, place in cases:
        shown = ragloom(env, "ask", question)
        assert shown.returncode == 0, shown.stderr
        assert fact in shown.stdout and place in shown.stdout, (question, shown.stdout)
    body = json.loads(ragloom(env, "ask", "--json", cases[0][0]).stdout)
    cited = body["citations"][0]
    assert (cited["source"], cited["page"], cited["media_type"]) == (
        "safety-report.pdf",
        2,
        "application/pdf",
    )
    assert cited["boxes"], "a scanned page is cited with the boxes of the lines read"
