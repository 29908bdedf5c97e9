"""The tenant aggregate's rules, in the core: its lifecycle, its limits and its quotas, the same
whatever store keeps it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from ragloom.core.errors import Conflict, InvalidInput, InvalidTransition, QuotaExceeded
from ragloom.core.models import MAX_LIMIT, Quotas, Tenant, TenantId, TenantStatus, TenantUsage

S = TenantStatus
START = datetime(2026, 1, 1, tzinfo=UTC)
LATER = START + timedelta(seconds=1)
ALLOWED = {
    (S.ACTIVE, S.ACTIVE),  # resumed again: nothing to undo
    (S.ACTIVE, S.SUSPENDED),
    (S.ACTIVE, S.DELETED),
    (S.SUSPENDED, S.SUSPENDED),  # suspended again
    (S.SUSPENDED, S.ACTIVE),
    (S.SUSPENDED, S.DELETED),
}
NOTHING = TenantUsage(documents=0, bytes=0)


def tenant(status: TenantStatus = S.ACTIVE, **overrides: object) -> Tenant:
    return dataclasses.replace(
        Tenant(TenantId("t"), "Acme", status, START, START, corpus_version=4), **overrides
    )


@pytest.mark.parametrize("before", list(S))
@pytest.mark.parametrize("after", list(S))
def test_only_the_lifecycles_moves_are_allowed(before, after):
    if (before, after) in ALLOWED:
        moved = tenant(before).moved_to(after, LATER)
        assert moved == tenant(after, updated_at=LATER)  # nothing else changes
    else:
        with pytest.raises(InvalidTransition, match=f"is {before.value}; it cannot become {after.value}"):
            tenant(before).moved_to(after, LATER)


def test_a_refused_move_is_a_conflict():
    with pytest.raises(Conflict):
        tenant(S.DELETED).moved_to(S.ACTIVE, LATER)


def test_a_new_tenant_is_active_with_a_clean_name_and_valid_limits():
    created = Tenant.new(TenantId("t"), "  Acme  ", START, max_documents=0, max_bytes=MAX_LIMIT)
    assert created == Tenant(
        TenantId("t"), "Acme", S.ACTIVE, START, START, max_documents=0, max_bytes=MAX_LIMIT
    )
    assert Tenant.new(TenantId("t"), "Acme", START, embedding_space="m-8").embedding_space == "m-8"


@pytest.mark.parametrize("name", ["", "   ", None, 7, "x" * 201, "bell\x07", "del\x7f"])
def test_a_name_must_be_printable_and_not_too_long(name):
    with pytest.raises(InvalidInput, match="'name'"):
        Tenant.new(TenantId("t"), name, START)


@pytest.mark.parametrize("value", [-1, MAX_LIMIT + 1, True, 1.5, "lots", [1]])
def test_a_limit_is_a_whole_number_a_64_bit_column_holds(value):
    with pytest.raises(InvalidInput, match="'max_bytes' must be a whole number from 0"):
        Tenant.new(TenantId("t"), "Acme", START, max_bytes=value)
    with pytest.raises(InvalidInput, match="'max_documents' must be a whole number from 0"):
        tenant().with_limits({"max_documents": value}, LATER)


def test_limits_named_are_replaced_and_the_other_kept():
    limited = tenant(max_documents=5, max_bytes=100)
    raised = limited.with_limits({"max_documents": 10}, LATER)
    assert raised == tenant(max_documents=10, max_bytes=100, updated_at=LATER)
    cleared = raised.with_limits({"max_documents": None, "max_bytes": 0}, LATER)
    assert (cleared.max_documents, cleared.max_bytes) == (None, 0)
    assert tenant(S.SUSPENDED).with_limits({"max_bytes": 1}, LATER).max_bytes == 1


@pytest.mark.parametrize("limits", [{}, {"colour": 1}, {"max_documents": 1, "name": "x"}])
def test_limits_must_name_one_or_both_quotas(limits):
    with pytest.raises(InvalidInput, match="send one or both of 'max_documents' and 'max_bytes'"):
        tenant().with_limits(limits, LATER)


def test_a_deleted_tenant_takes_no_limits_nor_keys_but_bad_input_is_said_first():
    deleted = tenant(S.DELETED)
    with pytest.raises(Conflict, match="tenant t is deleted"):
        deleted.with_limits({"max_documents": 1}, LATER)
    with pytest.raises(Conflict, match="tenant t is deleted"):
        deleted.live()
    with pytest.raises(InvalidInput):
        deleted.with_limits({"max_documents": -1}, LATER)
    assert tenant(S.SUSPENDED).live() == tenant(S.SUSPENDED)


def test_its_own_quotas_override_the_configured_ones_and_none_falls_back():
    defaults = Quotas(max_documents=10, max_bytes=1000)
    assert tenant().quotas(defaults) == defaults
    assert tenant(max_documents=0, max_bytes=5).quotas(defaults) == Quotas(0, 5)  # 0: unlimited


def test_the_document_quota_counts_the_upload():
    limited = tenant(max_documents=2)
    limited.admit(1, TenantUsage(documents=1, bytes=1), Quotas())
    with pytest.raises(QuotaExceeded, match="the tenant has 2 documents and its limit is 2: delete"):
        limited.admit(1, TenantUsage(documents=2, bytes=2), Quotas())
    with pytest.raises(QuotaExceeded, match="its limit is 3"):  # the configured default applies
        tenant().admit(1, TenantUsage(documents=3, bytes=3), Quotas(max_documents=3))


def test_the_byte_quota_counts_the_incoming_bytes():
    limited = tenant(max_bytes=1000)
    used = TenantUsage(documents=1, bytes=600)
    limited.admit(400, used, Quotas())
    refusal = r"this upload of 401 bytes would bring .* to 1001, over its limit of 1000"
    with pytest.raises(QuotaExceeded, match=refusal):
        limited.admit(401, used, Quotas())


def test_zero_means_unlimited():
    plenty = TenantUsage(documents=10**9, bytes=10**15)
    tenant().admit(10**12, plenty, Quotas())
    tenant(max_documents=0, max_bytes=0).admit(10**12, plenty, Quotas(max_documents=1, max_bytes=1))


@pytest.mark.parametrize("status", [S.SUSPENDED, S.DELETED])
def test_only_an_active_tenant_takes_uploads_whatever_its_quota(status):
    with pytest.raises(Conflict, match=f"tenant t is {status.value}: it takes no uploads") as refused:
        tenant(status, max_documents=1).admit(1, TenantUsage(documents=5, bytes=5), Quotas())
    assert not isinstance(refused.value, QuotaExceeded)
    tenant(S.ACTIVE).admit(1, NOTHING, Quotas())


def test_a_reindex_moves_the_space_and_where_it_goes_on():
    going = tenant(embedding_space="old-8").searching("old-8", LATER, cursor="after-42")
    assert (going.embedding_space, going.reindex_cursor, going.updated_at) == ("old-8", "after-42", LATER)
    done = going.searching("new-384", LATER)
    assert (done.embedding_space, done.reindex_cursor) == ("new-384", None)
