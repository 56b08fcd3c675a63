from datetime import timedelta
from decimal import Decimal

from engine.methodology.scenarios import read_scenario

TEXT = """scenario: a path
methodology: horeca-bant
amount: 5000
attributes: {channel: horeca}
steps:
  - answer: {task: Task_BantCall, values: {budget: none}}
  - advance: P2DT4H
  - expect:
      stage: lead
      open_tasks: []
expect: {status: lost}
"""


def test_a_scenario_keeps_the_line_of_every_step_and_expected_value():
    scenario, problems = read_scenario("s.yaml", TEXT)
    assert problems == []
    assert (scenario.name, scenario.methodology, scenario.amount) == ("a path", "horeca-bant", Decimal("5000"))
    assert scenario.attributes == {"channel": "horeca"}
    answer, advance, expect, final = scenario.steps
    assert (answer.line, answer.task, answer.values) == (6, "Task_BantCall", {"budget": "none"})
    assert (advance.line, advance.duration) == (7, timedelta(days=2, hours=4))
    assert expect.line == 8 and expect.expectation.lines == {"stage": 9, "open_tasks": 10}
    assert final.kind == "expect" and final.expectation.values == {"status": "lost"} and final.line == 11


def test_problems_are_reported_at_their_lines():
    text = TEXT.replace("advance: P2DT4H", "advance: P1M").replace("amount: 5000", "amount: lots")
    scenario, problems = read_scenario("s.yaml", text)
    assert scenario is None
    assert [str(p) for p in problems] == [
        "s.yaml:7: advance 'P1M': give days, weeks or hours (P3D, P2W, PT4H); months and years vary in length",
        "s.yaml:3: 'amount' must be a number of at least 0; got 'lots'"]


def test_a_scenario_may_name_its_company_time_zone():
    scenario, problems = read_scenario("s.yaml", TEXT.replace("amount: 5000\n", "amount: 5000\ntime_zone: Europe/Warsaw\n"))
    assert problems == [] and scenario.time_zone == "Europe/Warsaw"
    assert read_scenario("s.yaml", TEXT)[0].time_zone is None  # UTC, as a company that set none


def test_a_time_zone_that_is_none_is_refused_at_its_line():
    scenario, problems = read_scenario("s.yaml", TEXT.replace("amount: 5000\n", "amount: 5000\ntime_zone: Warsaw\n"))
    assert scenario is None
    assert [str(p) for p in problems] == [
        "s.yaml:4: time_zone: 'Warsaw' is not a time zone; give an IANA name such as Europe/Warsaw or UTC"]
