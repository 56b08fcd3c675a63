"""Who works a task: its role (own assignment over lane) and the assignee or queue it gives."""

from engine.methodology.model import LaneRole
from engine.rules.routing import task_holder, task_role, unresolved_assignment
from tests.rules.factories import node

USERS = {"ann": 7}
TEAMS = {"key-accounts": 30}


def holder(role):
    return task_holder(role, 1, 2, 3, USERS.get, TEAMS.get)


class Lanes(dict):
    groups = {"sales": LaneRole("team", "key-accounts")}
    users = {"ann": LaneRole("user", "ann")}


def test_each_kind_of_role_gives_an_assignee_or_a_queue():
    assert holder(None) == (1, None)  # no role: the owner
    assert holder(LaneRole("owner")) == (1, None)
    assert holder(LaneRole("owner_manager")) == (2, None)
    assert holder(LaneRole("team_queue")) == (None, 3)  # the deal's team
    assert holder(LaneRole("user", "ann")) == (7, None)
    assert holder(LaneRole("team", "key-accounts")) == (None, 30)


def test_an_unknown_user_or_team_and_a_deal_without_manager_fall_back_to_the_owner():
    assert holder(LaneRole("user", "bob")) == (1, None)
    assert holder(LaneRole("team", "nobody")) == (1, None)
    assert task_holder(LaneRole("owner_manager"), 1, None, 3, USERS.get, TEAMS.get) == (1, None)


def test_a_tasks_own_assignment_wins_over_its_lane():
    lanes = Lanes(rep=LaneRole("owner"))
    assert task_role(node("T", lane="rep"), "rep", lanes) == LaneRole("owner")
    assert task_role(node("T", candidate_groups=("sales",)), "rep", lanes) == LaneRole("team", "key-accounts")
    assert task_role(node("T", assignee="ann"), "rep", lanes) == LaneRole("user", "ann")
    assert task_role(None, "other", lanes) is None


def test_names_an_assignment_expression_gave_count_after_the_literal_ones_and_only_if_mapped():
    lanes = Lanes(rep=LaneRole("owner"))
    computed = node("T", lane="rep", assignment_expressions=(("candidateGroups", "${groups}"),))
    assert task_role(computed, "rep", lanes, (("candidateGroups", ("nobody", "sales")),)) == \
        LaneRole("team", "key-accounts")
    assert task_role(computed, "rep", lanes, (("candidateGroups", ("nobody",)),)) == LaneRole("owner")  # the lane
    assert task_role(computed, "rep", lanes, (("candidateUsers", ("ann",)),)) == LaneRole("user", "ann")
    literal_first = node("T", candidate_groups=("sales",), assignment_expressions=(("candidateUsers", "${u}"),))
    assert task_role(literal_first, "rep", lanes, (("candidateUsers", ("ann",)),)) == LaneRole("team", "key-accounts")


def test_an_assignment_expression_that_found_no_role_says_why():
    computed = node("T", assignment_expressions=(("candidateGroups", "${groups}"),))
    groups, users = Lanes.groups, Lanes.users
    assert unresolved_assignment(computed, groups, users, (("candidateGroups", ("sales",)),), None) is None
    assert unresolved_assignment(node("T"), groups, users, (), None) is None
    assert unresolved_assignment(computed, groups, users, (("candidateGroups", ()),), None) == (
        "user task 'T': candidateGroups=\"${groups}\" gave no name; it went to its lane's role")
    assert unresolved_assignment(computed, groups, users, (), "candidateGroups=\"${groups}\": unknown variable "
                                 "'groups'") == ("user task 'T': candidateGroups=\"${groups}\": unknown variable "
                                                 "'groups'; it went to its lane's role")
