"""dealflow import-bpmn: a BPMN file from another tool becomes a starting methodology
that validates, or the command says exactly why not."""

import shutil
from pathlib import Path

REAL_WORLD = Path(__file__).parent / "methodology" / "real_world"
QUOTE = REAL_WORLD / "import" / "quote.bpmn"


def test_import_writes_stages_in_flow_order_a_routing_skeleton_and_validates(run_cli, tmp_path):
    into = tmp_path / "methodologies"
    result = run_cli("import-bpmn", str(QUOTE), "--into", str(into))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "OK"
    assert f"wrote {into}/bpmn/quote.bpmn" in result.output
    stages = (into / "stages" / "quote.yaml").read_text("utf-8")
    assert [line.split(": ")[1] for line in stages.splitlines() if line.startswith("  - id: ")] == [
        "lead_received", "send_the_quote", "approve_the_quote", "won", "lost"]
    assert stages.count("# TODO: probability") == 3
    assert "entered_at: [End_Rejected]" in stages  # the end event named 'rejected' is the lost stage
    routing = (into / "routing" / "quote.yaml").read_text("utf-8")
    assert "    Sales: owner  # TODO: who works lane 'Sales'" in routing
    assert "    management: owner_manager  # TODO: who is candidate group 'management'" in routing
    assert "  - stages/quote.yaml: set the probability of each of the 3 open stages (marked TODO), and " \
           "check their names and order" in result.output


def test_a_process_without_a_lost_end_gets_a_lost_stage_entered_by_hand(run_cli, tmp_path):
    source = tmp_path / "flow.bpmn"
    source.write_bytes((REAL_WORLD / "flow_without_id.bpmn").read_bytes().replace(
        b'<bpmn:endEvent id="End_1" />', b'<bpmn:endEvent id="End_1" name="Order placed" />'))
    into = tmp_path / "methodologies"
    result = run_cli("import-bpmn", str(source), "--methodology", "calls", "--into", str(into))
    assert result.exit_code == 0, result.output
    assert ("  - stages/calls.yaml: the process has no end event for a lost deal (none is named lost, "
            "rejected or cancelled), so deals are lost only when closed by hand; to lose them in the "
            "process too, draw one and put its id in stage 'lost'") in result.output
    assert result.output.endswith("OK\n")
    assert "    outcome: lost\n    entered_at: []\n" in (into / "stages" / "calls.yaml").read_text("utf-8")


def test_an_end_event_whose_name_says_neither_won_nor_lost_is_a_todo_that_cannot_deploy(run_cli, tmp_path):
    source = tmp_path / "flow.bpmn"
    source.write_bytes((REAL_WORLD / "flow_without_id.bpmn").read_bytes())  # one end event, End_1, no name
    into = tmp_path / "methodologies"
    result = run_cli("import-bpmn", str(source), "--methodology", "calls", "--into", str(into))
    assert result.exit_code == 1
    stages = (into / "stages" / "calls.yaml").read_text("utf-8")
    assert "\n    outcome: won" not in stages
    assert "    outcome: TODO\n    entered_at: [End_1]\n" in stages
    assert ("  - stages/calls.yaml: end event End_1 says neither won nor lost: write 'outcome: won' or "
            "'outcome: lost' in its stage (now TODO, which cannot be deployed)") in result.output
    assert "'outcome' must be 'open', 'won' or 'lost'; got 'TODO'" in result.output


def test_disqualified_and_nurtured_ends_are_lost_and_a_parallel_block_is_one_stage_in_flow_order(
        run_cli, tmp_path):
    into = tmp_path / "methodologies"
    result = run_cli("import-bpmn", str(REAL_WORLD / "import" / "lead_paths.bpmn"), "--into", str(into))
    assert result.exit_code == 0, result.output
    stages = (into / "stages" / "lead_paths.yaml").read_text("utf-8")
    assert [line.split(": ")[1] for line in stages.splitlines() if line.startswith("  - id: ")] == [
        "lead_in", "qualify", "meet", "demo", "check_credit_legal_review_price_it", "proposal", "won", "lost"]
    assert "    entered_at: [Credit, Legal, Price]\n" in stages  # one stage: a deal is in one at a time
    assert "    outcome: won\n    entered_at: [End_Won]\n" in stages
    assert "    outcome: lost\n    entered_at: [End_Disqualified, End_Nurtured]\n" in stages
    # One scenario per end event as a starting point for 'dealflow test' (validated with the rest).
    scenarios = sorted(p.name for p in (into / "scenarios").iterdir())
    assert scenarios == ["lead_paths-deal_closed.yaml", "lead_paths-disqualified.yaml", "lead_paths-nurtured.yaml"]
    won = (into / "scenarios" / "lead_paths-deal_closed.yaml").read_text("utf-8")
    assert [line.split("task: ")[1].rstrip("}") for line in won.splitlines() if "task: " in line] == [
        "Qualify", "Meet", "Demo", "Credit", "Legal", "Price", "Proposal"]  # the whole parallel block
    assert won.endswith("expect:\n  status: won\n")


def test_the_schema_line_points_at_the_shipped_schemas_from_any_folder(run_cli, tmp_path):
    into = tmp_path / "elsewhere" / "methodologies"
    assert run_cli("import-bpmn", str(QUOTE), "--into", str(into)).exit_code == 0
    for kind, schema in (("stages", "stages.schema.json"), ("routing", "routing.schema.json")):
        first = (into / kind / "quote.yaml").read_text("utf-8").splitlines()[0]
        location = first.removeprefix("# yaml-language-server: $schema=")
        assert location.endswith(schema)
        assert (into / kind / location).resolve().is_file(), first


def test_an_existing_routing_file_is_left_alone_and_the_lines_to_add_are_printed(run_cli, tmp_path):
    into = tmp_path / "methodologies"
    (into / "routing").mkdir(parents=True)
    shutil.copy(REAL_WORLD / "assigned" / "routing" / "default.yaml", into / "routing" / "default.yaml")
    result = run_cli("import-bpmn", str(QUOTE), "--into", str(into))
    assert not (into / "routing" / "quote.yaml").exists()
    assert "add to routing/default.yaml (the engine reads one routing file):" in result.output
    assert "      management: owner_manager  # TODO: who is candidate group 'management'" in result.output


def test_a_dmn_file_beside_the_bpmn_is_copied_when_its_decision_is_called(run_cli, tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    for name in ("second_decision.bpmn", "two_decisions.dmn"):
        shutil.copy(REAL_WORLD / name, source / name)
    into = tmp_path / "methodologies"
    run_cli("import-bpmn", str(source / "second_decision.bpmn"), "--into", str(into))
    assert (into / "bpmn" / "two_decisions.dmn").read_bytes() == (REAL_WORLD / "two_decisions.dmn").read_bytes()


def test_user_mistakes_are_one_line_errors(run_cli, tmp_path):
    into = tmp_path / "methodologies"
    missing = run_cli("import-bpmn", str(tmp_path / "nope.bpmn"), "--into", str(into))
    assert (missing.exit_code, missing.stderr) == (1, f"error: {tmp_path / 'nope.bpmn'}: no such file\n")
    text = tmp_path / "notes.bpmn"
    text.write_text("hello", "utf-8")
    not_bpmn = run_cli("import-bpmn", str(text), "--into", str(into))
    assert not_bpmn.exit_code == 1 and not_bpmn.stderr.startswith("error: notes.bpmn is not a BPMN file: ")
    assert len(not_bpmn.stderr.splitlines()) == 1
    assert run_cli("import-bpmn", str(QUOTE), "--into", str(into)).exit_code == 0
    again = run_cli("import-bpmn", str(QUOTE), "--into", str(into))
    assert (again.exit_code, again.stderr) == (
        1, "error: bpmn/quote.bpmn already exists; choose another id with --methodology or remove it\n")
    clash = run_cli("import-bpmn", str(QUOTE), "--methodology", "other", "--into", str(into))
    assert clash.stderr == ("error: process 'quote_process' is already defined in bpmn/quote.bpmn; process ids "
                            "must be unique: rename one of them\n")
