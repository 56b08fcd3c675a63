"""A lost stage may be entered at no BPMN node: deals reach it only when someone
closes them as lost by hand — so a process without a lost end event (most processes
drawn elsewhere) still makes a methodology."""

import shutil

from engine.service.validation import load_methodologies
from tests.conftest import BASE_METHODOLOGY


def test_a_lost_stage_without_nodes_validates_and_is_entered_by_hand_only(tmp_path):
    target = tmp_path / "methodologies"
    shutil.copytree(BASE_METHODOLOGY, target)
    stages = target / "stages" / "small-deal.yaml"
    # Every end event must close the deal: the base process's lost end goes to the won
    # stage here, only to leave the lost stage without nodes.
    stages.write_text(stages.read_text("utf-8").replace("    entered_at: [End_Lost]\n", "    entered_at: []\n")
                      .replace("    entered_at: [End_Won]\n", "    entered_at: [End_Won, End_Lost]\n"), "utf-8")
    result = load_methodologies(str(target))
    assert result.problems == []
    lost = result.library.methodologies["small-deal"].stage("lost")
    assert (lost.outcome, lost.entered_at) == ("lost", ())
