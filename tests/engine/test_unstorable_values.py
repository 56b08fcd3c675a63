"""A script or decision that builds a value the workflow state cannot hold (one that
contains itself, is nested thousands deep, or repeats a big list thousands of times)
is the deal's visible expression error, like any failing expression: never a 500, never
a half-written deal, and the next deal of the segment still opens."""

import shutil

import pytest

from tests.conftest import BASE_METHODOLOGY, make_engine

OPENING_SCRIPT = """<bpmn:scriptTask id="Script_Open" name="Prepare the deal" scriptFormat="python">
      <bpmn:script>{}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Lead" targetRef="Script_Open" />
    <bpmn:sequenceFlow id="Flow_1b" sourceRef="Script_Open" targetRef="Task_Qualify" />"""

SELF_REFERENCE = "deal = {}\ndeal['itself'] = deal"
DEEP = "deep = []\nfor i in range(5000):\n    deep = [deep]"
SHARED = "shared = [channel * 10000 for i in range(1000)]"
# Each variable alone is below the cap; together they are more than one step may store.
SPREAD = "\n".join(f"part{i} = [channel[0] * 90000] * 10" for i in range(3))


def methodology_opening_with(tmp_path, script: str):
    """The base methodology with ``script`` run right after the start event, as the
    deal opens."""
    target = tmp_path / "opening"
    shutil.copytree(BASE_METHODOLOGY, target)
    bpmn = target / "bpmn" / "deal.bpmn"
    text = bpmn.read_text("utf-8")
    text = text.replace('<bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Lead" targetRef="Task_Qualify" />',
                        OPENING_SCRIPT.format(script))
    text = text.replace("<bpmn:flowNodeRef>Task_Qualify</bpmn:flowNodeRef>",
                        "<bpmn:flowNodeRef>Script_Open</bpmn:flowNodeRef>\n"
                        "        <bpmn:flowNodeRef>Task_Qualify</bpmn:flowNodeRef>")
    bpmn.write_text(text, "utf-8")
    return target


def open_deal(engine):
    return engine.create_opportunity(title="Deal", amount="20000.00", partner="P", actor="manager",
                                     attributes={"channel": "retail"})


@pytest.mark.parametrize(("script", "message"), [
    (SELF_REFERENCE, "variable 'deal' contains itself, so it cannot be stored"),
    (DEEP, "variable 'deep' is nested more than 100 levels deep, so it cannot be stored"),
    (SHARED, "variable 'shared' is too big to store: it may take at most 1000000 characters"),
    (SPREAD, "the task data is too big to store: it may take at most 2000000 characters"),
], ids=["self-reference", "5000-deep", "shared-references", "spread-over-variables"])
def test_a_value_the_state_cannot_hold_is_the_deals_error_and_the_next_deal_still_opens(
        db_url, clock, tmp_path, script, message):
    engine = make_engine(db_url, clock, methodology_opening_with(tmp_path, script))
    try:
        first = open_deal(engine)
        assert first.error_message is not None and first.error_message.startswith(message)
        assert first.status == "open" and first.open_tasks == ()
        error = [e for e in first.events if e.kind == "error"]
        assert [e.data["node"] for e in error] == ["Script_Open"]

        second = open_deal(engine)  # the segment is not broken for everyone after
        assert second.id != first.id and second.error_message == first.error_message

        retried = engine.retry(first.id, actor="manager")
        assert retried.error_message == first.error_message
        assert retried.open_tasks == ()
    finally:
        engine.close()


def test_a_decision_table_output_that_repeats_a_big_text_is_the_deals_error(db_url, clock, tmp_path):
    target = tmp_path / "dmn"
    shutil.copytree(BASE_METHODOLOGY, target)
    dmn = target / "bpmn" / "deal_tier.dmn"
    dmn.write_text(dmn.read_text("utf-8").replace("<text>'gold'</text>",
                                                  "<text>[str(amount) * 15000] * 10000</text>"), "utf-8")
    engine = make_engine(db_url, clock, target)
    try:
        deal = open_deal(engine)
        failed = engine.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"amount": "20000"})
        assert failed.error_message.startswith("the list repeated 10000 times would take more than 1000000 "
                                               "characters to store")
        assert failed.stage_id == "qualification" and [t.id for t in failed.open_tasks] == [deal.open_tasks[0].id]
    finally:
        engine.close()
