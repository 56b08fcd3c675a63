"""Every decision of engine.rules.policy for every role, allowed and refused.

The cast: team 10 is the deal's team, managed by ``boss`` (user 3); ``owner`` (1)
and ``teammate`` (2) are reps in it; ``outsider`` (7) is a rep of team 20;
``other_manager`` (4) manages team 20 and is a member of team 10 too;
``stranger_manager`` (8) has nothing to do with the deal; ``designer`` (5) and
``admin`` (6) belong to no team."""

import pytest

from engine.errors import DealflowError, PermissionDeniedError
from engine.rules import policy
from engine.rules.policy import Actor, Deal, Role, Task

REP, MANAGER, DESIGNER, ADMIN = Role.REP, Role.MANAGER, Role.DESIGNER, Role.ADMIN

owner = Actor(1, REP, {10})
teammate = Actor(2, REP, {10})
outsider = Actor(7, REP, {20})
boss = Actor(3, MANAGER, {10})
other_manager = Actor(4, MANAGER, {10, 20})
stranger_manager = Actor(8, MANAGER, {30})
designer = Actor(5, DESIGNER)
admin = Actor(6, ADMIN)

mine = Task(assignee_id=1)                                  # the owner's task
queued = Task(assignee_id=None, candidate_team_id=10)       # waits in team 10's queue
claimed = Task(assignee_id=2, candidate_team_id=10)         # teammate claimed it
done_by_outsider = Task(assignee_id=7, completed_by_id=7, status="completed")

deal = Deal(owner_id=1, manager_id=3, team_id=10)
deal_with_queue = Deal(owner_id=1, manager_id=3, team_id=10, tasks=(queued,))
deal_claimed = Deal(owner_id=1, manager_id=3, team_id=10, tasks=(claimed,))
deal_outsider_worked = Deal(owner_id=1, manager_id=3, team_id=10, tasks=(done_by_outsider,))


# (decision, actor, arguments, expected)
DEAL_ROWS = [
    # may_see_deal
    ("may_see_deal", owner, deal, True),
    ("may_see_deal", teammate, deal, False),
    ("may_see_deal", teammate, deal_with_queue, True),
    ("may_see_deal", outsider, deal_with_queue, False),
    ("may_see_deal", outsider, deal_outsider_worked, True),
    ("may_see_deal", boss, deal, True),
    ("may_see_deal", other_manager, deal, True),           # a manager sees their teams' deals
    ("may_see_deal", stranger_manager, deal, False),
    ("may_see_deal", designer, deal, True),
    ("may_see_deal", admin, deal, True),
    # may_manage (reassign the deal or a task)
    ("may_manage", owner, deal, False),
    ("may_manage", teammate, deal, False),
    ("may_manage", boss, deal, True),
    ("may_manage", other_manager, deal, False),
    ("may_manage", designer, deal, False),
    ("may_manage", admin, deal, True),
    # may_close
    ("may_close", owner, deal, True),
    ("may_close", teammate, deal, False),
    ("may_close", boss, deal, True),
    ("may_close", other_manager, deal, False),
    ("may_close", designer, deal, False),
    ("may_close", admin, deal, True),
    # may_override_probability
    ("may_override_probability", owner, deal, False),
    ("may_override_probability", boss, deal, True),
    ("may_override_probability", other_manager, deal, False),
    ("may_override_probability", designer, deal, False),
    ("may_override_probability", admin, deal, True),
    # may_retry
    ("may_retry", owner, deal, False),
    ("may_retry", boss, deal, True),
    ("may_retry", other_manager, deal, False),
    ("may_retry", designer, deal, True),
    ("may_retry", admin, deal, True),
    # may_edit_buying_center: whoever may change the deal (issue 15: never a designer);
    # may_answer_questionnaire: whoever sees the deal
    ("may_edit_buying_center", owner, deal, True),
    ("may_edit_buying_center", teammate, deal, False),
    ("may_edit_buying_center", boss, deal, True),
    ("may_edit_buying_center", stranger_manager, deal, False),
    ("may_edit_buying_center", designer, deal, False),
    ("may_edit_buying_center", admin, deal, True),
    ("may_answer_questionnaire", owner, deal, True),
    ("may_answer_questionnaire", outsider, deal, False),
    ("may_answer_questionnaire", boss, deal, True),
    ("may_answer_questionnaire", stranger_manager, deal, False),
    ("may_answer_questionnaire", designer, deal, True),
    ("may_answer_questionnaire", admin, deal, True),
]


@pytest.mark.parametrize("decision, actor, deal_, expected", DEAL_ROWS,
                         ids=[f"{d}-{a.role}{a.user_id}-{i}" for i, (d, a, _, _) in enumerate(DEAL_ROWS)])
def test_a_decision_over_a_deal(decision, actor, deal_, expected):
    assert getattr(policy, decision)(actor, deal_) is expected


TASK_ROWS = [
    # may_work
    ("may_work", owner, mine, True),
    ("may_work", teammate, mine, False),
    ("may_work", teammate, queued, True),
    ("may_work", owner, claimed, False),                   # claimed by the teammate: theirs now
    ("may_work", teammate, claimed, True),
    ("may_work", outsider, queued, False),
    ("may_work", boss, mine, True),
    ("may_work", other_manager, mine, False),
    ("may_work", other_manager, queued, True),             # a member of team 10
    ("may_work", designer, mine, False),
    ("may_work", admin, mine, True),
    # may_see_task
    ("may_see_task", owner, claimed, True),                # owns the deal
    ("may_see_task", teammate, mine, False),
    ("may_see_task", outsider, done_by_outsider, True),    # completed it
    ("may_see_task", outsider, mine, False),
    ("may_see_task", boss, mine, True),
    ("may_see_task", stranger_manager, mine, False),
    ("may_see_task", designer, mine, True),
    ("may_see_task", admin, mine, True),
    # may_release
    ("may_release", teammate, claimed, True),
    ("may_release", owner, claimed, False),
    ("may_release", teammate, queued, False),
    ("may_release", boss, claimed, True),
    ("may_release", other_manager, claimed, False),
    ("may_release", designer, claimed, False),
    ("may_release", admin, claimed, True),
]


@pytest.mark.parametrize("decision, actor, task, expected", TASK_ROWS,
                         ids=[f"{d}-{a.role}{a.user_id}-{i}" for i, (d, a, _, _) in enumerate(TASK_ROWS)])
def test_a_decision_over_a_task(decision, actor, task, expected):
    assert getattr(policy, decision)(actor, task, Deal(owner_id=1, manager_id=3, team_id=10, tasks=(task,))) \
        is expected


CLAIM_ROWS = [
    (owner, queued, True), (outsider, queued, False), (boss, queued, True), (stranger_manager, queued, False),
    (designer, queued, False), (admin, queued, False), (owner, mine, False),
]


@pytest.mark.parametrize("actor, task, expected", CLAIM_ROWS)
def test_claiming_is_for_members_of_the_team_the_task_waits_for(actor, task, expected):
    assert policy.may_claim(actor, task) is expected


ROLE_ROWS = [
    # decision, {role: expected}
    ("may_create_deal", {REP: False, MANAGER: True, DESIGNER: False, ADMIN: True}),
    ("may_swap", {REP: False, MANAGER: True, DESIGNER: False, ADMIN: True}),
    ("may_see_pipeline", {REP: False, MANAGER: True, DESIGNER: True, ADMIN: True}),
    ("may_deploy", {REP: False, MANAGER: False, DESIGNER: True, ADMIN: True}),
    ("sees_everything", {REP: False, MANAGER: False, DESIGNER: True, ADMIN: True}),
]


@pytest.mark.parametrize("decision, answers", ROLE_ROWS, ids=[d for d, _ in ROLE_ROWS])
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_a_decision_by_role_alone(decision, answers, role):
    assert getattr(policy, decision)(Actor(99, role, {10})) is answers[role]


@pytest.mark.parametrize("role, owns, takes", [(REP, True, True), (MANAGER, False, True),
                                               (DESIGNER, False, False), (ADMIN, False, True)])
def test_who_may_own_deals_and_take_tasks(role, owns, takes):
    assert (policy.may_own_deals(role), policy.may_take_tasks(role)) == (owns, takes)
    assert (policy.may_own_deals(role.value), policy.may_take_tasks(role.value)) == (owns, takes)


@pytest.mark.parametrize("actor, everything, managed", [(owner, False, False), (boss, False, True),
                                                        (designer, False, False), (admin, True, False)])
def test_the_inbox_lists_everything_for_an_admin_and_managed_deals_for_a_manager(actor, everything, managed):
    assert policy.inbox_scope(actor) == policy.InboxScope(everything=everything, managed=managed)


def test_a_rep_no_longer_sees_a_deal_once_a_teammate_claimed_its_queued_task():
    # Issue 11: visibility follows the claim. The claimer, the owner and the manager
    # still see it; a queued task cancelled with its deal shows it to nobody new.
    rep = Actor(9, REP, {10})
    assert policy.may_see_deal(rep, deal_with_queue) is True
    assert policy.may_see_deal(rep, deal_claimed) is False
    assert [policy.may_see_deal(a, deal_claimed) for a in (teammate, owner, boss)] == [True, True, True]
    withdrawn = Task(assignee_id=None, candidate_team_id=10, status="cancelled")
    assert policy.may_see_deal(rep, Deal(1, 3, 10, (withdrawn,))) is False


def test_a_completed_queued_task_no_longer_shows_the_deal_to_the_team():
    finished = Task(assignee_id=2, candidate_team_id=10, completed_by_id=2, status="completed")
    rep = Actor(9, REP, {10})
    assert policy.may_see_deal(rep, Deal(1, 3, 10, (finished,))) is False
    assert policy.may_see_deal(teammate, Deal(1, 3, 10, (finished,))) is True


def test_a_deal_without_a_manager_is_managed_only_by_admins():
    orphan = Deal(owner_id=1, manager_id=None, team_id=None)
    assert [policy.may_manage(a, orphan) for a in (owner, boss, designer, admin)] == [False, False, False, True]
    assert policy.may_see_deal(Actor(9, MANAGER, frozenset()), orphan) is False


def test_roles_are_parsed_from_their_names_and_unknown_ones_named():
    assert Role.of("manager") is MANAGER and Actor(1, "rep").role is REP
    assert policy.ROLES == ("rep", "manager", "designer", "admin")
    with pytest.raises(DealflowError, match="unknown role 'boss'; use one of: rep, manager, designer, admin"):
        Role.of("boss")


def test_require_raises_permission_denied_with_the_message():
    policy.require(True, "never shown")
    with pytest.raises(PermissionDeniedError, match="only managers"):
        policy.require(False, "only managers")


def test_facts_are_frozen():
    with pytest.raises(AttributeError):
        owner.role = ADMIN  # type: ignore[misc]


@pytest.mark.parametrize("role, pipeline, swap, create, own, take", [
    ("rep", False, False, False, True, True), ("manager", True, True, True, False, True),
    ("designer", True, False, False, False, False), ("admin", True, True, True, False, True)])
def test_a_user_view_carries_the_policy_flags_of_its_role(role, pipeline, swap, create, own, take):
    from engine.views import UserView

    view = UserView(1, "someone", "Someone", role)
    assert (view.may_see_pipeline, view.may_swap, view.may_create_deals, view.may_own_deals,
            view.may_take_tasks) == (pipeline, swap, create, own, take)
