import pytest

from ragloom.core.chunking import ChunkingPolicy, chunk_segments
from ragloom.core.models import Location, Segment


def sentences(n: int, words: int = 10) -> str:
    return " ".join(
        f"Sentence {i} " + " ".join(f"w{i}x{j}" for j in range(words - 3)) + " end." for i in range(n)
    )


def test_chunks_respect_the_size_and_keep_whole_sentences():
    chunks = chunk_segments([Segment(sentences(20))], "T", ChunkingPolicy(max_words=35, overlap_words=0))
    assert len(chunks) == 7
    for chunk in chunks:
        assert len(chunk.text.split()) <= 35
        assert chunk.text.startswith("Sentence") and chunk.text.endswith("end.")
    assert [c.ordinal for c in chunks] == list(range(7))


def test_overlap_repeats_the_last_sentences_of_the_previous_chunk():
    chunks = chunk_segments([Segment(sentences(6))], "T", ChunkingPolicy(max_words=30, overlap_words=10))
    first_last = chunks[0].text.split(" Sentence ")[-1]
    assert chunks[1].text.startswith("Sentence " + first_last)


def test_title_is_carried_into_the_embedded_text_only():
    chunk = chunk_segments([Segment("Mars has two moons.")], "Planets", ChunkingPolicy())[0]
    assert chunk.embed_text == "Planets\nMars has two moons."
    assert chunk.text == "Mars has two moons."
    plain = chunk_segments([Segment("Mars has two moons.")], "Planets", ChunkingPolicy(include_title=False))[
        0
    ]
    assert plain.embed_text == "Mars has two moons."


def test_chunks_never_span_pages():
    chunks = chunk_segments(
        [Segment("Page one text.", Location(page=1)), Segment("Page two text.", Location(page=2))],
        "",
        ChunkingPolicy(),
    )
    assert [(c.text, c.location.page) for c in chunks] == [("Page one text.", 1), ("Page two text.", 2)]


def test_a_chunk_of_a_picture_keeps_where_its_lines_are():
    boxes = ((10, 20, 300, 60), (10, 80, 280, 120))
    segment = Segment("Crane lifts. 40 tonnes.", Location(page=4, boxes=boxes))
    chunks = chunk_segments([segment], "", ChunkingPolicy())
    assert [c.location for c in chunks] == [Location(page=4, boxes=boxes)]


def test_an_overlong_sentence_is_cut_at_word_boundaries():
    text = " ".join(f"w{i}" for i in range(100))
    chunks = chunk_segments([Segment(text)], "", ChunkingPolicy(max_words=30, overlap_words=0))
    assert [len(c.text.split()) for c in chunks] == [30, 30, 30, 10]


def test_headings_stay_separate_sentences():
    chunk = chunk_segments([Segment("Mars\n\nMars has two moons.")], "", ChunkingPolicy())[0]
    assert chunk.text == "Mars\n\nMars has two moons."


@pytest.mark.parametrize(("size", "overlap"), [(4, 0), (50, 50), (50, -1)])
def test_invalid_policies_are_refused(size, overlap):
    with pytest.raises(ValueError):
        ChunkingPolicy(max_words=size, overlap_words=overlap)


def test_transcript_segments_pack_into_chunks_that_keep_their_seconds():
    from ragloom.core.chunking import ChunkingPolicy, chunk_segments
    from ragloom.core.models import Segment

    segments = [
        Segment(
            f"sentence number {i} is said here", Location(start_seconds=i * 3.0, end_seconds=i * 3.0 + 2.5)
        )
        for i in range(6)
    ]
    chunks = chunk_segments(
        segments, "Talk", ChunkingPolicy(max_words=12, overlap_words=6, include_title=False)
    )
    assert [c.location.window for c in chunks] == [
        (0.0, 5.5),
        (3.0, 8.5),
        (6.0, 11.5),
        (9.0, 14.5),
        (12.0, 17.5),
    ]
    assert chunks[0].text == "sentence number 0 is said here sentence number 1 is said here"


def test_a_transcript_chunk_spans_at_most_max_seconds_even_when_words_would_fit():
    from ragloom.core.chunking import ChunkingPolicy, chunk_segments
    from ragloom.core.models import Segment

    said = [(0.0, 4.0), (20.0, 24.0), (40.0, 44.0), (45.0, 49.0)]
    segments = [
        Segment(f"fact {i} said", Location(start_seconds=a, end_seconds=b)) for i, (a, b) in enumerate(said)
    ]
    chunks = chunk_segments(segments, "Talk", ChunkingPolicy(max_seconds=30))
    assert [c.location.window for c in chunks] == [(0.0, 24.0), (20.0, 49.0)]
    assert chunks[1].text == "fact 1 said fact 2 said fact 3 said"
    with pytest.raises(ValueError, match="max_seconds"):
        ChunkingPolicy(max_seconds=0)


def test_a_videos_speech_and_frames_are_chunked_apart_and_keep_their_frame():
    def shown(start: float, end: float, frame: int) -> Location:
        return Location(start_seconds=start, end_seconds=end, track="frame", frame=frame)

    def said(start: float, end: float) -> Location:
        return Location(start_seconds=start, end_seconds=end, track="speech")

    segments = [
        Segment("Welcome to the tour", shown(0.0, 10.0, 1)),
        Segment("Good morning everyone.", said(1.0, 3.0)),
        Segment("The crane lifts 40 tonnes", shown(10.0, 20.0, 3)),
        Segment("Please send the report.", said(12.0, 15.0)),
    ]
    chunks = chunk_segments(segments, "tour", ChunkingPolicy(max_words=50, overlap_words=0, max_seconds=30))
    assert [c.location for c in chunks] == [
        Location(start_seconds=0.0, end_seconds=20.0, track="frame", frame=1),
        Location(start_seconds=1.0, end_seconds=15.0, track="speech"),
    ]
    assert chunks[0].text == "Welcome to the tour The crane lifts 40 tonnes"
