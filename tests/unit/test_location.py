"""Where a passage sits in its original (`Location`): one value carried from segment to chunk,
payload, citation and stored reference, kept flat in every stored and sent form."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ragloom.adapters.sqlalchemy.repositories import _reference_json, to_chat_message
from ragloom.core.models import ChunkPayload, DocumentId, Location, SearchHit
from ragloom.core.services.answer import citations_for

KEYFRAME = Location(start_seconds=65.0, end_seconds=71.5, track="frame", frame=6, boxes=((10, 20, 300, 60),))
# a payload as indexes written before `Location` hold it: the location's keys beside the others
FLAT_PAYLOAD = {
    "document_id": "doc-1",
    "title": "Tour",
    "source": "tour.mp4",
    "ordinal": 4,
    "text": "The crane lifts 40 tonnes",
    "page": None,
    "start_seconds": 65.0,
    "end_seconds": 71.5,
    "track": "frame",
    "frame": 6,
    "boxes": [[10, 20, 300, 60]],
}


def test_a_payload_keeps_its_flat_form_in_the_index():
    payload = ChunkPayload(DocumentId("doc-1"), "Tour", "tour.mp4", 4, "The crane lifts 40 tonnes", KEYFRAME)
    assert payload.to_dict() == FLAT_PAYLOAD
    assert ChunkPayload.from_dict(FLAT_PAYLOAD) == payload
    assert ChunkPayload.from_dict(json.loads(json.dumps(payload.to_dict()))) == payload


def test_a_location_read_back_has_its_types_and_missing_keys_are_nowhere():
    read = Location.from_dict({"page": 3, "start_seconds": 2, "frame": 1, "boxes": [[1, 2, 3, 4]]})
    assert read == Location(page=3, start_seconds=2.0, frame=1, boxes=((1, 2, 3, 4),))
    assert isinstance(read.start_seconds, float) and read.boxes == ((1, 2, 3, 4),)
    assert Location.from_dict({"document_id": "d", "ordinal": 0}) == Location()
    assert set(Location().to_dict()) == set(Location.KEYS)


def test_boxes_given_as_lists_make_an_equal_hashable_location():
    listed = Location(page=1, boxes=[[10, 20, 30, 40]])  # type: ignore[list-item]
    assert listed == Location(page=1, boxes=((10, 20, 30, 40),))
    assert hash(listed) == hash(Location(page=1, boxes=((10, 20, 30, 40),)))
    assert listed.without_boxes() == Location(page=1)


def test_a_location_says_where_to_look():
    deck = "application/vnd.openxmlformats-officedocument.presentationml.presentation; charset=x"
    assert Location(page=2).place() == "p.2"
    assert Location(page=3).place(deck) == "slide 3"
    assert Location(start_seconds=13.4, end_seconds=18.9).place("audio/mpeg") == "0:13-0:18"
    assert Location(start_seconds=3725.0, end_seconds=3790.0).place() == "1:02:05-1:03:10"
    assert Location(start_seconds=7.0).place() == "0:07-0:07"
    assert KEYFRAME.place("video/mp4") == "frame 6 at 1:05"
    assert Location(frame=6).place() == "frame 6"
    assert Location().place() == ""


def test_the_seconds_a_location_spans():
    assert KEYFRAME.window == (65.0, 71.5)
    assert Location(start_seconds=65.0).window is None and Location(page=1).window is None
    assert KEYFRAME.overlaps(70.0, 80.0) and KEYFRAME.overlaps(60.0, 65.0)
    assert not KEYFRAME.overlaps(72.0, 80.0) and not KEYFRAME.overlaps(0.0, 64.9)
    assert not Location(page=1).overlaps(0.0, 1e9)


def test_a_citation_carries_the_location_of_its_hit():
    payloads = [
        ChunkPayload.from_dict(FLAT_PAYLOAD),
        ChunkPayload(DocumentId("doc-2"), "Report", "report.pdf", 0, "Divers inspected.", Location(page=2)),
    ]
    hits = [SearchHit(f"p{i}", 0.5, payload) for i, payload in enumerate(payloads)]
    citations = citations_for("The divers inspected it [2].", hits)
    assert [(c.marker, c.location) for c in citations] == [(2, Location(page=2))]
    assert [c.location for c in citations_for("No marker.", hits)] == [KEYFRAME, Location(page=2)]


def test_stored_references_read_from_their_flat_json():
    """The `refs` column as it was written before `Location` (and a row older still, without a
    video's track and frame)."""
    refs = [
        {
            "marker": 1,
            "document_id": "doc-1",
            "chunk": 4,
            "score": 0.5,
            "page": None,
            "start_seconds": 65.0,
            "end_seconds": 71.5,
            "media_type": "video/mp4",
            "track": "frame",
            "frame": 6,
        },
        {"marker": 2, "document_id": "doc-2", "chunk": 0, "score": 0.25, "page": 2, "media_type": None},
    ]
    row = {
        "tenant_id": "t",
        "chat_id": "c",
        "role": "assistant",
        "content": "Forty tonnes [1][2].",
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "seq": 2,
        "refs": json.dumps(refs),
        "model": "extractive",
        "latency_ms": 5,
        "cached": 0,
        "no_answer": 0,
        "finished": 1,
        "error": None,
    }
    message = to_chat_message(row)
    first, second = message.references
    assert (first.marker, first.document_id, first.chunk, first.score) == (1, "doc-1", 4, 0.5)
    assert (first.location, first.media_type) == (KEYFRAME.without_boxes(), "video/mp4")
    assert (second.location, second.media_type) == (Location(page=2), None)

    written = [_reference_json(r) for r in message.references]  # and written back in the same form
    unset = {"start_seconds": None, "end_seconds": None, "track": None, "frame": None}
    assert written == [refs[0], {**refs[1], **unset}]
