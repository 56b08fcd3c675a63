"""The pipeline board's rules over the shipped methodologies: columns in stage order
with the closed outcomes last, and which task leads to which stage, read from the
stage table and the BPMN graph (through gateways and subprocesses, never past a task
that waits)."""

from __future__ import annotations

from engine import load_methodologies
from engine.rules import board_moves
from engine.rules.board_moves import OpenTask
from tests.conftest import BASE_METHODOLOGY, SHIPPED


def shipped(methodology_id: str):
    return load_methodologies(str(SHIPPED)).library.methodologies[methodology_id]


def test_columns_keep_the_stage_tables_order_and_put_won_then_lost_last():
    horeca = shipped("horeca-bant")
    assert [s.id for s in board_moves.columns(horeca)] == [
        "lead", "nurture", "site_visit", "quote", "follow_up", "won", "not_qualified", "lost"]


def test_a_task_leads_through_gateways_to_every_stage_its_branches_enter_first():
    targets = board_moves.stage_targets(shipped("horeca-bant"))
    assert targets["Task_BantCall"] == ("nurture", "site_visit", "quote", "not_qualified")
    assert targets["Task_SiteVisit"] == ("quote",)  # the next task waits: no further
    assert targets["Task_FollowUp"] == ("won", "lost")
    assert "Gateway_BantClass" not in targets


def test_a_subprocess_is_entered_and_left_on_the_way():
    small = load_methodologies(str(BASE_METHODOLOGY)).library.methodologies["small-deal"]
    targets = board_moves.stage_targets(small)
    assert targets["Task_Qualify"] == ("offer",)  # business rule task, then into Sub_Offer
    assert targets["Task_Offer"] == ("won", "lost")  # out of the subprocess, script, gateway
    assert "Task_Chase" not in targets  # the timer's side branch enters no stage


def test_moves_skip_the_deals_own_stage_and_tasks_the_viewer_may_not_complete():
    targets = {"Task_Quote": ("quote", "follow_up"), "Task_Other": ("won",)}
    order = {"quote": 0, "follow_up": 1, "won": 2}
    tasks = [OpenTask("t1", "Task_Quote", "Send the quote", True), OpenTask("t2", "Task_Other", "Other", False)]
    moves = board_moves.moves(targets, "quote", tasks, order)
    assert [(m.stage_id, m.task_id) for m in moves] == [("follow_up", "t1")]


def test_a_closed_deal_stands_in_the_first_column_of_its_outcome():
    horeca = shipped("horeca-bant")
    assert board_moves.column_of(horeca, "quote", "lost") == "not_qualified"
    assert board_moves.column_of(horeca, "lost", "lost") == "lost"
    assert board_moves.column_of(horeca, "quote", "open") == "quote"
    assert board_moves.column_of(horeca, "gone", "open") is None
