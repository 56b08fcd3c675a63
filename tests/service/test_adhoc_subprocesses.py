"""Ad-hoc subprocesses as Camunda 8 runs them (engine.runtime.adhoc), on SQLite and
PostgreSQL: the activities an ``activeElementsCollection`` names start when the
subprocess is entered (and no other); a job worker decides, job after job, which
activity runs next with which variables, each result gathered into the
``outputCollection``, until it says the completion condition is fulfilled."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from engine import FormError, load_methodologies
from tests.service.test_camunda_modeler_habits import deal_of
from tests.service.test_external_tasks import fetch, worker

ADHOC = Path(__file__).resolve().parents[1] / "fixtures" / "adhoc"


def _ready(engine, deal) -> list:
    return sorted((t for t in engine.list_tasks() if t.opportunity_id == deal.id and t.kind == "workflow"),
                  key=lambda t: t.node_id)


def _qualified(engine, deal, answer=None) -> None:
    """Qualify's two activated user tasks done, in any order (Visit never offered)."""
    call, email = _ready(engine, deal)
    assert (call.node_id, email.node_id) == ("Call", "Email")
    engine.complete_task(email.id, actor=email.assignee, data={})
    assert [t.node_id for t in _ready(engine, deal)] == ["Call"]  # the subprocess waits for the other
    assert engine.show_opportunity(deal.id).stage_id == "qualify"
    engine.complete_task(call.id, actor=call.assignee, data={"budgetConfirmed": True})


def test_a_collection_driven_and_a_job_driven_ad_hoc_subprocess_run_to_the_end(db_url, clock):
    with deal_of(db_url, clock, ADHOC) as (engine, deal):
        _qualified(engine, deal)
        assert _ready(engine, deal) == []
        w = worker(engine, "research-agent", "crm-lookup")
        [job] = fetch(engine, w, topic="research-agent")
        assert (job.node_id, job.variables["budgetConfirmed"]) == ("Research__adhoc_job", True)
        assert engine.show_opportunity(deal.id).stage_id == "research"
        # the worker asks for two tools at once, the lookup with its own input
        engine.complete_external_task(w, job.id, "w1", {"activateElements": [
            {"elementId": "Tool_Lookup", "variables": {"toolCall": {"query": "ACME"}}},
            {"elementId": "Tool_AskRep", "variables": {"toolCall": {"query": "budget owner?"}}}]})
        [lookup] = fetch(engine, w, topic="crm-lookup")
        assert lookup.variables["toolCall"] == {"query": "ACME"}
        [ask] = _ready(engine, deal)
        assert ask.node_id == "Tool_AskRep"
        engine.complete_external_task(w, lookup.id, "w1", {"toolCallResult": "ACME Ltd, 200 staff"})
        [job] = fetch(engine, w, topic="research-agent")  # asked again once a tool finished
        assert job.variables["toolCallResults"] == [{"query": "ACME", "content": "ACME Ltd, 200 staff"}]
        assert "toolCall" not in job.variables  # an activation's variables are its own
        engine.complete_task(ask.id, actor=ask.assignee, data={"toolCallResult": "Jane, the CFO"})
        assert fetch(engine, w, topic="research-agent") == []  # one job at a time
        engine.complete_external_task(w, job.id, "w1", {})  # nothing to run: the job comes back
        [job] = fetch(engine, w, topic="research-agent")
        assert job.variables["toolCallResults"] == [{"query": "ACME", "content": "ACME Ltd, 200 staff"},
                                                    {"query": "budget owner?", "content": "Jane, the CFO"}]
        engine.complete_external_task(w, job.id, "w1", {"isCompletionConditionFulfilled": True,
                                                        "agent": {"summary": "talk to Jane"}})
        shown = engine.show_opportunity(deal.id)
        assert (shown.status, shown.stage_id) == ("won", "won")


def _rep_asked(engine, deal, **result):
    """Qualified; the research job completed asking the rep (Tool_AskRep), with ``result``."""
    _qualified(engine, deal)
    w = worker(engine, "research-agent", "crm-lookup")
    [job] = fetch(engine, w, topic="research-agent")
    engine.complete_external_task(w, job.id, "w1", {"activateElements": [
        {"elementId": "Tool_AskRep", "variables": {"toolCall": {"query": "q"}}}], **result})
    return w


def test_a_fulfilled_completion_condition_cancels_what_still_runs(db_url, clock):
    with deal_of(db_url, clock, ADHOC) as (engine, deal):
        _rep_asked(engine, deal, isCompletionConditionFulfilled=True, isCancelRemainingInstances=True,
                   agent={"summary": "-"})
        assert _ready(engine, deal) == []
        assert engine.show_opportunity(deal.id).status == "won"


def test_fulfilled_without_cancelling_it_waits_for_what_runs_and_asks_no_more(db_url, clock):
    with deal_of(db_url, clock, ADHOC) as (engine, deal):
        w = _rep_asked(engine, deal, isCompletionConditionFulfilled=True, agent={"summary": "-"})
        [ask] = _ready(engine, deal)
        assert engine.show_opportunity(deal.id).status == "open"
        engine.complete_task(ask.id, actor=ask.assignee, data={"toolCallResult": "yes"})
        assert fetch(engine, w, topic="research-agent") == []
        assert engine.show_opportunity(deal.id).status == "won"


def test_a_timer_on_the_subprocess_interrupts_it(db_url, clock):
    with deal_of(db_url, clock, ADHOC) as (engine, deal):
        _rep_asked(engine, deal)
        clock.now += timedelta(days=8)
        engine.fire_due_timers()
        shown = engine.show_opportunity(deal.id)
        assert (shown.status, shown.stage_id) == ("lost", "lost")
        assert _ready(engine, deal) == []


def test_the_worker_may_activate_only_the_subprocess_elements(db_url, clock):
    with deal_of(db_url, clock, ADHOC) as (engine, deal):
        _qualified(engine, deal)
        w = worker(engine, "research-agent")
        [job] = fetch(engine, w, topic="research-agent")
        with pytest.raises(FormError) as refused:
            engine.complete_external_task(w, job.id, "w1", {"activateElements": [
                {"elementId": "Tool_Lookup", "variables": {"toolCall": {}}}, {"elementId": "Call"}, "Tool_AskRep"],
                "isCompletionConditionFulfilled": "yes"})
        assert refused.value.fields == {
            "variables.isCompletionConditionFulfilled": "true or false",
            "variables.activateElements[1].elementId": "'Call' is not an activity of ad-hoc subprocess 'Research'; "
                                                       "it has Tool_AskRep, Tool_Lookup",
            "variables.activateElements[2]": 'an object {"elementId": "...", "variables": {...}}'}
        engine.complete_external_task(w, job.id, "w1", {"activateElements": [{"elementId": "Tool_AskRep"}]})
        assert [t.node_id for t in _ready(engine, deal)] == ["Tool_AskRep"]  # the job still there, done right


def test_a_completion_condition_ends_a_collection_driven_subprocess_early(db_url, clock, tmp_path):
    root = _copy(tmp_path, lambda text: text.replace(
        '<bpmn:userTask id="Visit" name="Visit the site"/>',
        '<bpmn:userTask id="Visit" name="Visit the site"/>'
        '<bpmn:completionCondition>= budgetConfirmed = true</bpmn:completionCondition>'))
    with deal_of(db_url, clock, root) as (engine, deal):
        call = next(t for t in _ready(engine, deal) if t.node_id == "Call")
        engine.complete_task(call.id, actor=call.assignee, data={"budgetConfirmed": True})
        assert _ready(engine, deal) == []  # Email cancelled (cancelRemainingInstances defaults to true)
        assert engine.show_opportunity(deal.id).stage_id == "research"


def test_what_dealflow_refuses_in_an_ad_hoc_subprocess_is_named_at_its_line(tmp_path):
    root = _copy(tmp_path, lambda text: text.replace(
        '<zeebe:adHoc activeElementsCollection="=[&quot;Call&quot;, &quot;Email&quot;]"/>', "").replace(
        '<bpmn:userTask id="Visit" name="Visit the site"/>', '<bpmn:startEvent id="Inner"/>'))
    assert [str(p).split("discovery.bpmn:", 1)[1] for p in load_methodologies(str(root)).problems] == [
        "12: ad-hoc subprocess 'Qualify' says neither which activities to run nor who decides: give it "
        "<zeebe:adHoc activeElementsCollection=\"=[&quot;TaskId&quot;]\"/> or a job worker "
        "(<zeebe:taskDefinition type=\"...\"/>, as Camunda's AI Agent)",
        "22: ad-hoc subprocess 'Qualify' contains start event 'Inner': nothing starts an ad-hoc subprocess's "
        "activities but its activeElementsCollection or its job worker; remove the start event"]


def test_a_literal_collection_may_name_only_the_subprocess_activities(tmp_path):
    root = _copy(tmp_path, lambda text: text.replace("&quot;Email&quot;]", "&quot;Lunch&quot;]"))
    assert [str(p).split("discovery.bpmn:", 1)[1] for p in load_methodologies(str(root)).problems] == [
        "14: ad-hoc subprocess 'Qualify': its activeElementsCollection names 'Lunch', which is not one of its "
        "activities (those no flow leads into): Call, Email, Visit"]


def _copy(tmp_path: Path, edit) -> Path:
    root = tmp_path / "m"
    for part in ("bpmn", "stages", "routing"):
        (root / part).mkdir(parents=True)
        for path in (ADHOC / part).iterdir():
            text = path.read_text("utf-8")
            (root / part / path.name).write_text(edit(text) if part == "bpmn" else text, "utf-8")
    return root
