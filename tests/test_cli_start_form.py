"""``dealflow opportunity create --start FIELD=VALUE`` answers the methodology's start
form, on the embedded SQLite default: a missing answer is a one-line error and opens
nothing; an answer routes the process."""

import re

from tests.conftest import FakeClock, make_engine
from tests.service.test_start_form import imported


def test_a_deal_opened_on_the_command_line_answers_the_start_form(tmp_path, monkeypatch, run_cli):
    url = f"sqlite:///{tmp_path / 'dealflow.db'}"
    make_engine(url, FakeClock(), imported(tmp_path)).close()  # deployed, with the people
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    opening = ("opportunity", "create", "--title", "Gold deal", "--amount", "1000", "--partner", "ACME",
               "--as", "manager")
    refused = run_cli(*opening)
    assert refused.exit_code == 1
    assert refused.output.strip().splitlines() == ["error: start_form.tier: this field is required"]
    opened = run_cli(*opening, "--start", "tier=gold")
    assert opened.exit_code == 0, opened.output
    deal = re.search(r"Opportunity #(\d+)", opened.output).group(1)
    assert "Call the gold customer" in run_cli("opportunity", "show", deal).output
