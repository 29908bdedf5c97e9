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
