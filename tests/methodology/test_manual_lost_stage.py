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
    stages.write_text(stages.read_text("utf-8").replace("    entered_at: [End_Lost]\n", "    entered_at: []\n"),
                      "utf-8")
    result = load_methodologies(str(target))
    assert result.problems == []
    lost = result.library.methodologies["small-deal"].stage("lost")
    assert (lost.outcome, lost.entered_at) == ("lost", ())
