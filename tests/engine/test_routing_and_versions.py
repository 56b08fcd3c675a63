"""Routing on create, lanes to assignees and queues, and version pinning across deploys."""

import shutil

import pytest

from engine.errors import MethodologyError
from engine.rules.routing import RoutingError
from tests.conftest import BASE_METHODOLOGY


def open_deal(engine, **attributes):
    return engine.create_opportunity(title="Deal", amount="1000.00", partner="Partner",
                                     attributes=attributes, actor="manager")


def copy_base(tmp_path, name="methodologies"):
    target = tmp_path / name
    shutil.copytree(BASE_METHODOLOGY, target)
    return target


def test_a_horeca_deal_goes_to_the_rep_its_territory_maps_to(engine):
    assert open_deal(engine, channel="horeca", territory="PL-S").owner == "rep2"
    assert open_deal(engine, channel="horeca", territory="PL-N").owner == "rep1"


def test_a_territory_without_a_rep_is_refused_with_a_reason(engine):
    with pytest.raises(RoutingError, match="maps no rep to territory 'PL-X'"):
        open_deal(engine, channel="horeca", territory="PL-X")


def test_round_robin_takes_the_teams_reps_in_turn(engine):
    owners = [open_deal(engine, channel="retail").owner for _ in range(4)]
    assert owners == ["rep1", "rep2", "rep1", "rep2"]


def test_the_segment_condition_reads_the_amount_as_an_exact_decimal(engine):
    small = engine.create_opportunity(title="D", amount="49999.99", partner="P", actor="manager",
                                      attributes={"channel": "horeca", "territory": "PL-N"})
    large = engine.create_opportunity(title="D", amount="50000.00", partner="P", actor="manager",
                                      attributes={"channel": "horeca", "territory": "PL-N"})
    assert (small.segment_id, large.segment_id) == ("horeca", "everyone-else")


def test_lanes_go_to_the_owner_the_owners_manager_or_a_team_queue(db_url, clock, tmp_path):
    from tests.conftest import make_engine, queue_methodology

    engine = make_engine(db_url, clock, queue_methodology(tmp_path))
    deal = open_deal(engine, channel="retail")
    assert deal.open_tasks[0].assignee == deal.owner  # lane rep: the owner
    clock.advance(days=4)
    engine.fire_due_timers()
    chase = [t for t in engine.show_opportunity(deal.id).open_tasks if t.node_id == "Task_Chase"]
    assert [(t.assignee, t.candidate_team) for t in chase] == [(None, "sales")]
    assert [t.node_id for t in engine.list_tasks("rep2") if t.opportunity_id == deal.id] == [
        "Task_Qualify", "Task_Chase"] or {t.node_id for t in engine.list_tasks("rep2")} >= {"Task_Chase"}
    assert "Task_Chase" not in {t.node_id for t in engine.list_tasks("rep3")}
    engine.close()


def deploy_version_1_1(engine, tmp_path):
    changed = copy_base(tmp_path)
    table = changed / "stages" / "small-deal.yaml"
    table.write_text(table.read_text("utf-8").replace('version: "1.0"', 'version: "1.1"')
                     .replace("probability: 50", "probability: 60"), "utf-8")
    return engine.deploy(str(changed), actor="admin")


def test_an_opportunity_stays_on_its_version_when_a_new_one_is_deployed(engine, tmp_path):
    first = open_deal(engine, channel="horeca", territory="PL-N")
    report = deploy_version_1_1(engine, tmp_path)
    assert [(v.label, v.new) for v in report.versions] == [("1.1", True)]
    second = open_deal(engine, channel="horeca", territory="PL-N")
    assert (first.methodology_label, second.methodology_label) == ("1.0", "1.1")
    first = engine.complete_task(first.open_tasks[0].id, actor="rep1", data={"amount": "10"})
    second = engine.complete_task(second.open_tasks[0].id, actor="rep1", data={"amount": "10"})
    assert (first.stage_id, first.probability) == ("offer", 50)
    assert (second.stage_id, second.probability) == ("offer", 60)


def test_a_segment_pinned_to_a_version_stays_on_it_after_a_new_one_is_deployed(engine, tmp_path):
    deploy_version_1_1(engine, tmp_path)
    # The base routing pins everyone-else to small-deal@1.0.
    assert open_deal(engine, channel="retail").methodology_label == "1.0"
    assert open_deal(engine, channel="horeca", territory="PL-S").methodology_label == "1.1"


def test_redeploying_an_older_versions_files_makes_it_current_again(engine, tmp_path):
    deploy_version_1_1(engine, tmp_path)
    report = engine.deploy(str(BASE_METHODOLOGY))
    assert [(v.label, v.new) for v in report.versions] == [("1.0", False)]
    assert open_deal(engine, channel="horeca", territory="PL-S").methodology_label == "1.0"


def test_pinning_a_version_that_was_never_deployed_is_refused(engine, tmp_path):
    from engine.errors import NotFoundError

    changed = copy_base(tmp_path)
    routing = changed / "routing" / "default.yaml"
    routing.write_text(routing.read_text("utf-8").replace("small-deal@1.0", "small-deal@9.9"), "utf-8")
    with pytest.raises(NotFoundError, match="pins small-deal@9.9, which has never been deployed"):
        engine.deploy(str(changed))


def test_deploying_unchanged_files_creates_no_version(engine):
    report = engine.deploy(str(BASE_METHODOLOGY))
    assert [(v.label, v.new) for v in report.versions] == [("1.0", False)]
    assert report.routing_changed is False


def test_an_invalid_methodology_is_not_deployed(engine, tmp_path):
    broken = copy_base(tmp_path)
    table = broken / "stages" / "small-deal.yaml"
    table.write_text(table.read_text("utf-8").replace("probability: 50", "probability: 150"), "utf-8")
    with pytest.raises(MethodologyError) as caught:
        engine.deploy(str(broken))
    assert "'probability' must be between 0 and 100; got 150" in str(caught.value)
    assert open_deal(engine, channel="retail").methodology_label == "1.0"
