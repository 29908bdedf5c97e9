from ragloom.core.services.answer import without_dangling_markers
from ragloom.core.services.disagreement import near_duplicates


def test_a_marker_that_points_to_no_passage_is_dropped():
    answer = "Owls hunt at night [1] and sleep by day [7]. Pellets hold bones [3][0]."
    assert (
        without_dangling_markers(answer, 3)
        == "Owls hunt at night [1] and sleep by day. Pellets hold bones [3]."
    )


def test_near_duplicates_share_most_of_their_words():
    older = "Notice: from 1 March the reading room opens at 9:00 on weekdays."
    newer = "Notice: from 1 March the reading room opens at 10:00 on weekdays."
    assert near_duplicates(older, newer)
    assert not near_duplicates(older, "Honey bees live in colonies with one queen.")


def test_a_citation_says_where_to_look_in_its_source():
    from ragloom.entrypoints.console import citation_place

    assert citation_place({"source": "report.pdf", "page": 2}) == "report.pdf p.2"
    assert (
        citation_place({"source": "call.mp3", "start_seconds": 13.4, "end_seconds": 18.9})
        == "call.mp3 0:13-0:18"
    )
    assert citation_place({"source": "long.mp3", "start_seconds": 3725.0, "end_seconds": 3790.0}) == (
        "long.mp3 1:02:05-1:03:10"
    )
    assert citation_place({"source": "notes.txt", "page": None, "start_seconds": None}) == "notes.txt"
    assert (
        citation_place({"source": "tour.mp4", "start_seconds": 65.0, "frame": 6})
        == "tour.mp4 frame 6 at 1:05"
    )
    deck = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    assert (
        citation_place({"source": "briefing.pptx", "page": 3, "media_type": deck}) == "briefing.pptx slide 3"
    )
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = "Sheet Fees, row 2: Fare: Adult; Price: 3.\n\nSheet Fees, row 14: Fare: Dog; Price: 0."
    cited = {"source": "fees.xlsx", "page": 1, "media_type": sheet, "text": rows}
    assert citation_place(cited) == "fees.xlsx sheet Fees rows 2-14"


async def test_sources_disagree_only_where_each_says_something_the_other_does_not():
    from datetime import UTC, datetime

    from ragloom.core.models import ChunkPayload, DocumentId, SearchHit
    from ragloom.core.services.disagreement import disagreements

    def hit(document: str, text: str) -> SearchHit:
        return SearchHit(document, 1.0, ChunkPayload(DocumentId(document), document, document, 0, text))

    async def created(ids):
        return {
            DocumentId("old"): datetime(2026, 1, 1, tzinfo=UTC),
            DocumentId("new"): datetime(2026, 2, 1, tzinfo=UTC),
        }

    changed = [
        hit("new", "Notice: from 1 March the reading room opens at 10:00 on weekdays."),
        hit("old", "Notice: from 1 March the reading room opens at 9:00 on weekdays."),
    ]
    [found] = await disagreements(changed, created)
    assert (found.newer, found.older) == (1, 2) and "9:00" in found.older_says
    # the same words, read in one run with a caption before them (a video's frame, a photo's OCR)
    contained = [
        hit("new", "Welcome to the harbour tour The harbour crane lifts at most 40 tonnes."),
        hit("old", "The harbour crane lifts at most 40 tonnes."),
    ]
    assert await disagreements(contained, created) == []
