"""Scenario steps that send messages (issue 17 with issue 14): `dealflow test` on the
messages fixture passes; a message the deal does not wait for fails at its line; a
message step without a name is refused by the schema at its line."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from engine.cli import main
from tests.conftest import FakeClock, commands_at
from tests.service.test_messages import FIXTURE


@pytest.fixture(autouse=True)
def fixed_start(monkeypatch):
    """The scenarios' virtual clocks start at a fixed instant, not the day CI runs."""
    commands_at(monkeypatch, FakeClock().now)


def test_the_shipped_message_scenarios_pass():
    result = CliRunner().invoke(main, ["test", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed"


def test_a_message_nothing_waits_for_fails_at_its_line(tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(FIXTURE, folder)
    for old in (folder / "scenarios").iterdir():
        old.unlink()
    scenario = folder / "scenarios" / "early.yaml"
    scenario.write_text("scenario: paid too early\nmethodology: after-sale\nsteps:\n"
                        "  - messages: {name: order-confirmed}\n"
                        "  - messages: {name: payment-received, values: {paidAmount: 5}}\n"
                        "expect: {status: won}\n", "utf-8")
    result = CliRunner().invoke(main, ["test", str(folder)])
    assert result.exit_code == 1
    assert f"{scenario}:5: opportunity 1 does not wait for message 'payment-received'" in result.output
    scenario.write_text("scenario: no name\nmethodology: after-sale\nsteps:\n"
                        "  - messages: {values: {paidAmount: 5}}\n", "utf-8")
    result = CliRunner().invoke(main, ["test", str(folder)])
    assert result.exit_code == 1 and f"{scenario}:4" in result.output and "Traceback" not in result.output
