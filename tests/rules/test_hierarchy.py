"""The manager hierarchy from teams: direct reports, managers of managers at any
depth, rollups counting each person once, and cycles refused."""

import pytest

from engine.rules.hierarchy import Hierarchy, HierarchyCycleError, rollup

# 1 = VP, 2 and 3 = managers, 4-7 = reps; 4 is in teams of both 2 and 3.
TEAMS = [(1, [2, 3]), (2, [4, 5]), (3, [4, 6, 7]), (None, [8])]


def test_direct_reports_are_the_members_of_the_teams_one_manages():
    h = Hierarchy.of(TEAMS)
    assert h.direct_reports(2) == (4, 5) and h.direct_reports(4) == ()
    assert h.managers_of(4) == (2, 3) and h.managers_of(1) == ()
    assert h.tops() == (1,)
    assert h.is_above(1, 6) and h.is_above(3, 6) and not h.is_above(2, 6) and not h.is_above(6, 6)


def test_a_manager_in_their_own_team_is_not_their_own_report():
    assert Hierarchy.of([(2, [2, 4])]).direct_reports(2) == (4,)


def test_a_rollup_counts_each_person_once_at_any_depth():
    h = Hierarchy.of(TEAMS + [(7, [9])])  # 7 manages someone too: three levels below the VP
    own = {1: 1, 2: 10, 3: 100, 4: 1000, 5: 10000, 6: 100000, 7: 1000000, 9: 10000000}
    assert rollup(h, 1, own, lambda a, b: a + b, 0) == 11111111
    assert rollup(h, 3, own, lambda a, b: a + b, 0) == 11101100
    assert rollup(h, 4, own, lambda a, b: a + b, 0) == 1000


def test_a_cycle_is_refused_naming_the_people_in_it():
    with pytest.raises(HierarchyCycleError) as caught:
        Hierarchy.of([(1, [2]), (2, [3]), (3, [1])], {1: "ann", 2: "bob", 3: "cid"})
    assert set(caught.value.people) == {1, 2, 3}
    assert "report to themselves" in str(caught.value) and "ann" in str(caught.value)
