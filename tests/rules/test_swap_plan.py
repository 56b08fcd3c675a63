"""engine.rules.swap_plan, pure: where each open deal goes when a segment swaps methodology."""

from __future__ import annotations

import pytest

from engine.errors import DealflowError
from engine.rules.swap_plan import (Deal, Move, Reason, check_stage_map, ends_at_once, entry, entry_node,
                                   parallel_nodes, parse_stage_map, plan, suggested_targets)
from tests.rules.factories import methodology, node, process, stage

# Start -> A -> (B1 | B2 in parallel) -> subprocess Sub (Task_Sub inside) -> C -> End
PROCESS = process(
    [node("Start", "startEvent"), node("Task_A"), node("Split", "parallelGateway"), node("Task_B1"),
     node("Task_B2"), node("Join", "parallelGateway"), node("Sub", "subProcess"), node("Task_Sub", parent="Sub"),
     node("Task_C"), node("End", "endEvent")],
    [("Start", "Task_A"), ("Task_A", "Split"), ("Split", "Task_B1"), ("Split", "Task_B2"), ("Task_B1", "Join"),
     ("Task_B2", "Join"), ("Join", "Sub"), ("Sub", "Task_C"), ("Task_C", "End")])
NEW = methodology("new", PROCESS, [
    stage("discovery", 0, ("Task_A",)),
    stage("proposal", 1, ("Task_B1",)),
    stage("legal", 2, ("Task_Sub",)),
    stage("negotiation", 3, ("Task_B2", "Task_C")),  # the first node a swap can start at wins
    stage("won", 4, ("End",), outcome="won"),
    stage("ghost", 5, ("Nope", "End")),
])
OLD = methodology("old", PROCESS, [stage("discovery", 0, ("Task_A",)), stage("offer", 1, ("Task_B1",))])


def test_a_stage_map_is_read_from_old_equals_new_items():
    assert parse_stage_map(["offer=proposal", " qualify = discovery ", "offer=proposal"]) == {
        "offer": "proposal", "qualify": "discovery"}
    assert parse_stage_map([]) == {}


@pytest.mark.parametrize(("items", "message"), [
    (["offer"], "stage map 'offer' is not OLD_STAGE=NEW_STAGE"),
    (["=proposal"], "stage map '=proposal' is not OLD_STAGE=NEW_STAGE"),
    (["offer= "], "stage map 'offer= ' is not OLD_STAGE=NEW_STAGE"),
    (["offer=proposal", "offer=legal"], "the stage map maps stage 'offer' twice ('proposal' and 'legal')"),
])
def test_a_bad_stage_map_item_is_one_clear_error(items, message):
    with pytest.raises(DealflowError) as caught:
        parse_stage_map(items)
    assert str(caught.value) == message


def test_a_stage_map_names_stages_of_the_old_and_the_new_methodology_with_a_did_you_mean():
    check_stage_map({"offer": "proposal"}, [OLD], NEW)  # fine: no error
    with pytest.raises(DealflowError, match=r"^stage map ofer=proposal: 'ofer' is not a stage of old; "
                                            r"did you mean 'offer'\?$"):
        check_stage_map({"ofer": "proposal"}, [OLD], NEW)
    with pytest.raises(DealflowError, match=r"^stage map offer=proposl: 'proposl' is not a stage of new; "
                                            r"did you mean 'proposal'\?$"):
        check_stage_map({"offer": "proposl"}, [OLD], NEW)


def test_the_nodes_between_a_parallel_split_and_its_join_are_parallel():
    assert parallel_nodes(PROCESS) == {"Task_B1", "Task_B2"}


@pytest.mark.parametrize(("stage_id", "entry"), [
    ("discovery", ("Task_A", None)),
    ("negotiation", ("Task_C", None)),
    ("proposal", (None, "stage 'proposal' of new is entered where a swap cannot start: "
                        "Task_B1 is on a parallel branch")),
    ("legal", (None, "stage 'legal' of new is entered where a swap cannot start: Task_Sub is inside subprocess Sub")),
    ("won", (None, "stage 'won' of new closes the deal (won); a swap moves open deals to open stages")),
    ("ghost", (None, "stage 'ghost' of new is entered where a swap cannot start: 'Nope' is not a node of deal; "
                     "End ends the process")),
    ("nope", (None, "'nope' is not a stage of new")),
])
def test_a_swap_starts_a_stage_at_its_first_top_level_node_outside_parallel_branches(stage_id, entry):
    assert entry_node(NEW, stage_id) == entry


def test_what_only_a_real_swap_or_its_reversal_meets_is_said_with_ids_and_with_names_as_the_plan_says_it():
    """A stage a reversal cannot start at, and one a process runs past at once: the same
    words with ids (the command line, the swap's record) and with names (the page)."""
    assert entry(NEW, "discovery", shown_as="New 2.0") == ("Task_A", None)
    assert entry(NEW, "legal", shown_as="New 2.0") == (None, Reason(
        "stage 'legal' of new is entered where a swap cannot start: Task_Sub is inside subprocess Sub",
        "stage 'Legal' of New 2.0 is entered where a swap cannot start: Task_Sub is inside subprocess Sub"))
    assert entry(NEW, "won")[1].named == (  # no version given: the methodology's name
        "stage 'Won' of New closes the deal (won); a swap moves open deals to open stages")
    assert ends_at_once(NEW, "negotiation", shown_as="New 2.0") == Reason(
        "stage 'negotiation' of new runs on to the end of the process at once",
        "stage 'Negotiation' of New 2.0 runs on to the end of the process at once")


def test_the_plan_moves_deals_by_the_map_or_the_same_stage_id_and_says_why_the_others_stay():
    deals = [Deal(1, "discovery"), Deal(2, "offer"), Deal(3, "offer"), Deal(4, None), Deal(5, "lost_cause"),
             Deal(6, "discovery", error="boom"), Deal(7, "legal"), Deal(8, "negotiation")]
    result = plan(deals, NEW, {"offer": "negotiation"})
    assert result.moves == (Move(1, "discovery", "discovery", "Task_A"), Move(2, "offer", "negotiation", "Task_C"),
                            Move(3, "offer", "negotiation", "Task_C"), Move(8, "negotiation", "negotiation", "Task_C"))
    assert dict(result.not_moved) == {
        "the deal has no stage": (4,),
        "no stage 'lost_cause' in new and the stage map does not say where it goes": (5,),
        "a step failed (boom); retry or fix it first": (6,),
        "stage 'legal' of new is entered where a swap cannot start: Task_Sub is inside subprocess Sub": (7,),
    }
    assert result.counts() == (("discovery", "discovery", 1), ("offer", "negotiation", 2),
                               ("negotiation", "negotiation", 1))


def test_a_map_wins_over_a_stage_of_the_same_id():
    result = plan([Deal(1, "discovery")], NEW, {"discovery": "negotiation"})
    assert result.moves == (Move(1, "discovery", "negotiation", "Task_C"),) and dict(result.not_moved) == {}


def test_each_reason_is_also_said_with_the_names_of_the_methodology_and_the_stages():
    deals = [Deal(5, "lost_cause", stage_name="Lost cause (old)"), Deal(7, "legal"), Deal(9, "won"),
             Deal(6, "discovery", error="boom"), Deal(4, None)]
    result = plan(deals, NEW, {"won": "won"}, shown_as="New 2.0")
    assert result.explained == {
        "no stage 'lost_cause' in new and the stage map does not say where it goes":
            "no stage 'Lost cause (old)' in New 2.0 and the stage map does not say where it goes",
        "stage 'legal' of new is entered where a swap cannot start: Task_Sub is inside subprocess Sub":
            "stage 'Legal' of New 2.0 is entered where a swap cannot start: Task_Sub is inside subprocess Sub",
        "stage 'won' of new closes the deal (won); a swap moves open deals to open stages":
            "stage 'Won' of New 2.0 closes the deal (won); a swap moves open deals to open stages",
        "a step failed (boom); retry or fix it first": "a step failed (boom); retry or fix it first",
        "the deal has no stage": "the deal has no stage",
    }
    assert set(result.explained) == set(result.not_moved)
    unnamed = plan([Deal(5, "lost_cause")], NEW, {})  # no name given: the id, and the methodology's own name
    assert list(unnamed.explained.values()) == [
        "no stage 'lost_cause' in New and the stage map does not say where it goes"]


def test_a_step_message_with_braces_is_said_as_it_is():
    result = plan([Deal(1, "discovery", error="{stage} {0}")], NEW, {})
    assert list(result.explained.values()) == ["a step failed ({stage} {0}); retry or fix it first"]


def test_each_old_stage_is_offered_the_new_stage_of_its_id_else_of_its_name_whatever_the_case_and_accents():
    old = [("offer", "Oferta"), ("neg", "Négociation  finale"), ("won", "Won"), ("odd", "Odd")]
    new = [("offer", "Proposal"), ("final", "negociation finale"), ("w", "WON"), ("w2", "won")]
    assert suggested_targets(old, new) == {"offer": "offer", "neg": "final", "won": "w", "odd": ""}
    assert suggested_targets([], new) == {} and suggested_targets(old, []) == dict.fromkeys(
        ["offer", "neg", "won", "odd"], "")
