"""A failing expression becomes visible state, never a crash or a half-written row,
and the opportunity can be retried once the data or the methodology is fixed."""

import shutil

import pytest

from engine.errors import ConflictError, NotFoundError, PermissionDeniedError
from tests.conftest import BASE_METHODOLOGY, make_engine

# Valid text that fails only when it runs: validation cannot know the amount.
BROKEN_SCRIPT = "if tier == 'gold' and 100 / (amount - 20000) > 1:"


def methodology_with_script(tmp_path, name: str, version: str, first_line: str):
    target = tmp_path / name
    shutil.copytree(BASE_METHODOLOGY, target)
    bpmn = target / "bpmn" / "deal.bpmn"
    bpmn.write_text(bpmn.read_text("utf-8").replace("if tier == 'gold':", first_line), "utf-8")
    table = target / "stages" / "small-deal.yaml"
    table.write_text(table.read_text("utf-8").replace('version: "1.0"', f'version: "{version}"'), "utf-8")
    routing = target / "routing" / "default.yaml"
    routing.write_text(routing.read_text("utf-8").replace("small-deal@1.0", "small-deal"), "utf-8")
    return target


@pytest.fixture
def broken_engine(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, methodology_with_script(tmp_path, "broken", "2.0", BROKEN_SCRIPT))
    yield engine
    engine.close()


def deal_at_offer(engine):
    deal = engine.create_opportunity(title="Deal", amount="20000.00", partner="P", actor="manager",
                                     attributes={"channel": "retail"})
    return engine.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"amount": "20000"})


def test_a_failing_script_leaves_the_deal_in_a_visible_error_state_with_nothing_half_written(broken_engine):
    deal = deal_at_offer(broken_engine)
    offer = deal.open_tasks[0]
    failed = broken_engine.complete_task(offer.id, actor=deal.owner, data={"result": "accepted"})
    assert failed.error_message == "division by zero"
    assert failed.error_at == "script task 'Compute the discount' (Script_Discount)"  # where the designer looks
    assert failed.status == "open" and failed.stage_id == "offer"
    assert [t.id for t in failed.open_tasks] == [offer.id]  # not completed, not lost
    assert [e.kind for e in failed.events][-1] == "error"
    assert "task_completed" not in [e.kind for e in failed.events[len(deal.events):]]


def test_after_the_designer_deploys_a_fix_the_deal_is_retried_on_the_new_version(broken_engine, tmp_path):
    deal = deal_at_offer(broken_engine)
    broken_engine.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"result": "accepted"})
    broken_engine.deploy(str(methodology_with_script(tmp_path, "fixed", "2.1", "if tier == 'gold':")))
    with pytest.raises(ConflictError, match="no error to retry"):
        broken_engine.retry(deal_at_offer(broken_engine).id, actor="manager")
    fixed = broken_engine.retry(deal.id, actor="manager", upgrade=True)
    assert fixed.error_message is None
    assert (fixed.status, fixed.stage_id, fixed.methodology_label) == ("won", "won", "2.1")
    kinds = [e.kind for e in fixed.events]
    assert kinds[-6:].count("task_completed") == 1 and "version_changed" in kinds and "retried" in kinds


def test_retrying_without_a_fix_fails_again_and_keeps_the_error(broken_engine):
    deal = deal_at_offer(broken_engine)
    broken_engine.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"result": "accepted"})
    again = broken_engine.retry(deal.id, actor="manager")
    assert again.error_message == "division by zero"
    assert again.status == "open"


def test_only_the_manager_a_designer_or_an_admin_may_retry(broken_engine):
    deal = deal_at_offer(broken_engine)
    broken_engine.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"result": "accepted"})
    with pytest.raises(PermissionDeniedError):
        broken_engine.retry(deal.id, actor=deal.owner)  # sees the deal, may not retry it
    for stranger in ("rep3", "manager2"):  # another team's: the deal is not theirs to know of
        with pytest.raises(NotFoundError):
            broken_engine.retry(deal.id, actor=stranger)
    assert broken_engine.show_opportunity(deal.id).events[-1].kind == "error"  # nothing retried
