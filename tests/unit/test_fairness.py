"""The one fairness policy every job queue applies (core.fairness.take_turns)."""

from ragloom.core.fairness import take_turns


def test_tenants_under_their_share_come_first_one_slot_each():
    running = {"bulk": 3, "a": 0, "b": 1}
    assert take_turns(["bulk", "a", "b"], running, free=2, share=2) == ["a", "b"]


def test_idle_slots_are_lent_to_tenants_over_their_share_but_one_stays_free():
    assert take_turns(["bulk"], {"bulk": 1}, free=4, share=1) == ["bulk"]  # lent: 3 of 4 would stay
    assert take_turns(["bulk"], {"bulk": 3}, free=1, share=1) == []  # the last slot is kept
    assert take_turns(["bulk", "new"], {"bulk": 3}, free=1, share=1) == ["new"]  # for another tenant


def test_turns_rotate_so_each_tenant_is_first_in_its_turn():
    tenants = ["a", "b", "c"]
    firsts = [take_turns(tenants, {}, free=1, share=1, turn=turn)[0] for turn in range(4)]
    assert firsts == ["a", "b", "c", "a"]


def test_no_free_slot_starts_nothing():
    assert take_turns(["a"], {}, free=0, share=1) == []
    assert take_turns([], {}, free=5, share=1) == []
