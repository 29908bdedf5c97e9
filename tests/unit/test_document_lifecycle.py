"""The document aggregate's lifecycle, in the core: which status changes its rules allow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ragloom.core.errors import Conflict, InvalidTransition
from ragloom.core.models import Document, DocumentId, DocumentStatus, TenantId

S = DocumentStatus
START = datetime(2026, 1, 1, tzinfo=UTC)
ALLOWED = {
    (S.QUEUED, S.PROCESSING),
    (S.QUEUED, S.FAILED),  # given up after too many attempts
    (S.QUEUED, S.DELETING),
    (S.PROCESSING, S.PROCESSING),  # taken again after a crash
    (S.PROCESSING, S.QUEUED),  # a retry
    (S.PROCESSING, S.READY),
    (S.PROCESSING, S.FAILED),
    (S.PROCESSING, S.DELETING),
    (S.READY, S.DELETING),
    (S.FAILED, S.DELETING),
}


def document(status: DocumentStatus) -> Document:
    return Document(
        DocumentId("d"), TenantId("t"), "T", "t.txt", "text/plain", 3, "0" * 64, "k", status, START, START
    )


@pytest.mark.parametrize("before", list(S))
@pytest.mark.parametrize("after", list(S))
def test_only_the_lifecycles_moves_are_allowed(before, after):
    if (before, after) in ALLOWED:
        assert document(before).moved_to(after, START + timedelta(seconds=1)).status == after
    else:
        with pytest.raises(InvalidTransition, match=f"is {before.value}; it cannot become {after.value}"):
            document(before).moved_to(after, START)


def test_an_invalid_transition_is_a_conflict():
    assert issubclass(InvalidTransition, Conflict)


def test_a_move_carries_its_details_and_ready_completes_the_progress():
    processing = document(S.QUEUED).attempt_begun(START + timedelta(seconds=1))
    assert (processing.status, processing.attempts, processing.progress) == (S.PROCESSING, 1, 0.0)
    ready = processing.moved_to(
        S.READY, START + timedelta(seconds=2), chunk_count=4, pii_entities={"PERSON": 2}
    )
    assert (ready.chunk_count, dict(ready.pii_entities), ready.progress) == (4, {"PERSON": 2}, 1.0)
    assert ready.updated_at == START + timedelta(seconds=2) and ready.attempts == 1
    failed = processing.moved_to(S.FAILED, START + timedelta(seconds=3), error="corrupt")
    assert (failed.error, failed.chunk_count) == ("corrupt", 0)
    again = processing.moved_to(S.QUEUED, START, error="retrying").attempt_begun(START)
    assert again.attempts == 2 and again.error == "retrying"
    with pytest.raises(InvalidTransition):
        ready.attempt_begun(START)  # a ready document is never ingested again
