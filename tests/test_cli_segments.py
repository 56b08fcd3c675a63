"""``dealflow segment list/swap/reverse`` as a manager types them, on SQLite."""

import re

import pytest

from tests.conftest import REPO, FakeClock, make_engine

SWAP_TARGET = REPO / "tests" / "methodology" / "swap_target"


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'dealflow.db'}"
    engine = make_engine(url, FakeClock())
    engine.deploy(str(SWAP_TARGET), actor="admin")
    for title in ("Bistro", "Cafe"):
        engine.create_opportunity(title=title, amount="100.00", partner="P", actor="manager",
                                  attributes={"channel": "horeca", "territory": "PL-N"})
    deal = engine.create_opportunity(title="Hotel", amount="100.00", partner="P", actor="manager",
                                     attributes={"channel": "horeca", "territory": "PL-N"})
    engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": "100"})
    engine.close()
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    return url


def test_segment_list_shows_each_segment_with_its_methodology_and_open_deals(database, run_cli):
    result = run_cli("segment", "list")
    assert result.exit_code == 0, result.output
    assert re.search(r"^horeca +small-deal@1\.0 +routing file +3$", result.output, re.M)
    assert re.search(r"^everyone-else +small-deal@1\.0 +routing file +0$", result.output, re.M)


def test_a_dry_run_then_a_swap_then_its_reversal(database, run_cli):
    dry = run_cli("segment", "swap", "horeca", "quick-deal", "--dry-run", "--as", "manager")
    assert dry.exit_code == 0, dry.output
    assert dry.output == (
        "dry run: horeca: small-deal@1.0 -> quick-deal@1.0; nothing changed\n"
        "2 deal(s) would move:\n"
        "       2  qualification -> qualification\n"
        "1 deal(s) cannot move:\n"
        "       1  no stage 'offer' in quick-deal and the stage map does not say where it goes: #3\n")
    swapped = run_cli("segment", "swap", "horeca", "quick-deal@1.0", "--map", "offer=proposal", "--as", "manager")
    assert swapped.exit_code == 0, swapped.output
    assert swapped.output.splitlines()[:4] == [
        "swap #1: horeca: small-deal@1.0 -> quick-deal@1.0", "3 deal(s) moved:",
        "       2  qualification -> qualification", "       1  offer -> proposal"]
    listing = run_cli("segment", "list").output
    assert re.search(r"^horeca +quick-deal@1\.0 +swap, pinned +3$", listing, re.M)
    assert re.search(r"^#1 .* horeca: small-deal@1\.0 -> quick-deal@1\.0  moved 3, not moved 0  by manager$",
                     listing, re.M)
    shown = run_cli("opportunity", "show", "3").output
    assert "offer -> proposal" in shown
    reversed_ = run_cli("segment", "reverse", "1", "--as", "admin")
    assert reversed_.exit_code == 0, reversed_.output
    assert reversed_.output.startswith("swap #2 (reverses #1): horeca: quick-deal@1.0 -> small-deal@1.0\n"
                                       "3 deal(s) moved:")
    assert re.search(r"^horeca +small-deal@1\.0 +routing file +3$", run_cli("segment", "list").output, re.M)


@pytest.mark.parametrize("args, message", [
    (["swap", "horeca", "quick-deal", "--map", "ofer=proposal", "--as", "manager"],
     "error: stage map ofer=proposal: 'ofer' is not a stage of small-deal; did you mean 'offer'?\n"),
    (["swap", "horeca", "quick-deal", "--map", "offer=propsal", "--as", "manager"],
     "error: stage map offer=propsal: 'propsal' is not a stage of quick-deal; did you mean 'proposal'?\n"),
    (["swap", "horeca", "quick-deal", "--map", "offer", "--as", "manager"],
     "error: stage map 'offer' is not OLD_STAGE=NEW_STAGE\n"),
    (["swap", "horeka", "quick-deal", "--as", "manager"], "error: no segment 'horeka'; did you mean 'horeca'?\n"),
    (["swap", "horeca", "quick-deal@2.0", "--as", "manager"],
     "error: methodology 'quick-deal@2.0' is not deployed; run 'dealflow deploy'\n"),
    (["swap", "horeca", "quick-deal", "--as", "rep1"],
     "error: only managers and admins may swap a segment's methodology; 'rep1' is a rep\n"),
    (["reverse", "7", "--as", "manager"], "error: no swap 7; 'dealflow segment list' shows the swaps\n"),
    (["reverse", "7", "--as", "rep2"], "error: only managers and admins may reverse a swap; 'rep2' is a rep\n"),
])
def test_mistakes_are_one_line_errors(database, run_cli, args, message):
    result = run_cli("segment", *args)
    assert result.exit_code == 1
    assert result.output == message
