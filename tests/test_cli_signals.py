"""dealflow signal send: broadcast to the waiting deals, none waiting, a deal whose
next step fails; mistakes are one line without a traceback."""

from __future__ import annotations

from click.testing import CliRunner

from engine.cli import main
from tests.conftest import commands_at, make_engine
from tests.service.test_signals import FIXTURE, offer


def test_signal_send_from_the_command_line(tmp_path, clock, monkeypatch):
    url = f"sqlite:///{tmp_path / 'dealflow.db'}"
    commands_at(monkeypatch, clock.now)  # the commands fire due timers on the test's clock
    engine = make_engine(url, clock, FIXTURE)
    first, second = offer(engine, "First"), offer(engine, "Second")
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    runner = CliRunner()

    def send(*args):
        return runner.invoke(main, ["signal", "send", *args])

    failing = send("product-withdrawn", "--set", "reason=5")
    assert failing.exit_code == 0
    assert failing.stdout.splitlines()[0] == "product-withdrawn: no deal waits for it"
    assert failing.stdout.splitlines()[1].startswith(
        f"product-withdrawn: not delivered to opportunity {first.id}: the step after signal 'product-withdrawn' "
        "fails at 'Check_Reason'")
    done = send("price-list-changed", "--set", "reason=list 8", "--as", "admin")
    assert (done.exit_code, done.stdout) == (0, f"price-list-changed: delivered to opportunities {first.id}, "
                                                f"{second.id}\n")
    assert send("nothing-waits").stdout == "nothing-waits: no deal waits for it\n"
    refused = send("price-list-changed", "--as", "rep1")
    assert (refused.exit_code, refused.stderr) == (
        1, "error: user 'rep1' may not send signals (designers, admins and worker tokens do)\n"), refused.output
    bad = send("x", "--set", "novalue")
    assert bad.exit_code == 2 and "Traceback" not in bad.output and "is not name=value" in bad.output
    engine.close()
