"""``dealflow partner hand-over`` as a user types it, on SQLite: the report of what
moved, the options, and mistakes as one-line errors."""

from __future__ import annotations

import pytest

from tests.conftest import commands_at, make_engine
from tests.service.test_handover import HORECA, partner_of


@pytest.fixture
def bistro(tmp_path, monkeypatch, clock):
    """Partner Bistro of rep1 with an open deal and a lost one, in the database the
    command line opens."""
    url = f"sqlite:///{tmp_path / 'dealflow.db'}"
    engine = make_engine(url, clock)
    open_ = engine.create_opportunity(title="Cold room", amount="1000.00", partner="Bistro", actor="manager",
                                      attributes=HORECA, owner="rep1")
    lost = engine.create_opportunity(title="Oven", amount="500.00", partner="Bistro", actor="manager",
                                     attributes=HORECA, owner="rep1")
    engine.close_as_lost(lost.id, actor="manager", reason="Too dear")
    partner = partner_of(engine, open_.id)
    engine.close()
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    commands_at(monkeypatch, clock.now)
    return dict(url=url, partner=str(partner), open=open_.id, lost=lost.id)


def test_the_hand_over_prints_what_moved_and_the_deals_belong_to_the_new_rep(bistro, run_cli):
    result = run_cli("partner", "hand-over", bistro["partner"], "--to", "rep2", "--closed-deals", "move",
                     "--as", "manager")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Partner #{bistro['partner']} Bistro: rep1 -> rep2",
        f"  open deals moved    1 (#{bistro['open']})",
        "  open tasks moved    1",
        "  activities moved    0 planned",
        f"  closed deals        1 moved (#{bistro['lost']}), 0 kept",
    ]
    shown = run_cli("opportunity", "show", str(bistro["lost"])).output
    assert "rep2" in shown


def test_closed_deals_stay_by_default(bistro, run_cli):
    result = run_cli("partner", "hand-over", bistro["partner"], "--to", "rep2", "--as", "admin")
    assert result.exit_code == 0 and "  closed deals        0 moved, 1 kept" in result.output, result.output


@pytest.mark.parametrize("args, message", [
    (["--to", "rep2", "--as", "rep1"], "error: only a manager of the owner's team or an admin may hand partner {p} "
                                       "over; 'rep1' may not\n"),
    (["--to", "rep2", "--as", "rep3"], "error: no partner {p}\n"),
    (["--to", "manager", "--as", "manager"], "error: to: 'manager' is a manager, not a rep; a partner's owner is "
                                             "a rep\n"),
    (["--to", "nobody", "--as", "manager"], "error: to: no such user; choose an active rep\n"),
    (["--to", "rep1", "--as", "manager"], "error: partner {p} is already owned by 'rep1'\n"),
])
def test_mistakes_are_one_line_errors(bistro, run_cli, args, message):
    result = run_cli("partner", "hand-over", bistro["partner"], *args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr == message.format(p=bistro["partner"])


def test_an_unknown_closed_deals_choice_is_a_usage_error(bistro, run_cli):
    result = run_cli("partner", "hand-over", bistro["partner"], "--to", "rep2", "--closed-deals", "later",
                     "--as", "manager")
    assert result.exit_code == 2 and "'later' is not one of 'stay', 'move'" in result.stderr
