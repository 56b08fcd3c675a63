"""dealflow message send: delivered by business key, deal id or variable, buffered,
a deal opened at a message start event; mistakes are one line without a traceback."""

from __future__ import annotations

from click.testing import CliRunner

from engine.cli import main
from tests.conftest import commands_at, make_engine
from tests.service.test_messages import FIXTURE, order


def test_message_send_from_the_command_line(tmp_path, clock, monkeypatch):
    url = f"sqlite:///{tmp_path / 'dealflow.db'}"
    commands_at(monkeypatch, clock.now)  # the commands fire due timers on the test's clock
    engine = make_engine(url, clock, FIXTURE)
    first, second = order(engine, "ORD-1", "First", region="north"), order(engine, "ORD-2", "Second")
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    runner = CliRunner()

    def send(*args):
        return runner.invoke(main, ["message", "send", *args])

    done = send("order-confirmed", "--business-key", "ORD-2", "--set", "carrier=DHL")
    assert (done.exit_code, done.stdout) == (0, f"order-confirmed: delivered to opportunity {second.id}\n")
    assert engine.show_opportunity(second.id).stage_id == "delivery"
    assert send("order-confirmed", "--var", "region=north").stdout == \
        f"order-confirmed: delivered to opportunity {first.id}\n"
    keyless = send("order-confirmed", "--key", "4711")  # this methodology's message has no correlationKey
    assert keyless.exit_code == 1 and "no open deal with correlation key '4711' waits" in keyless.stderr
    kept = send("order-confirmed", "--business-key", "ORD-3", "--buffer-seconds", "600")
    assert kept.exit_code == 0 and kept.stdout.startswith("order-confirmed: nothing waits yet; kept as buffered ")
    opened = send("web-lead", "--as", "admin", "--set", "interest=high", "--new-deal",
                  '{"title": "Web form", "amount": "10.00", "partner": "Bistro", "attributes": {"source": "web"}}')
    assert opened.exit_code == 0 and opened.stdout.startswith("web-lead: opened opportunity ")
    for args, message in (
            (("order-confirmed", "--deal", str(first.id)),
             f"error: opportunity {first.id} does not wait for message 'order-confirmed'; ask for it to be "
             "buffered (bufferSeconds) if it may come first"),
            (("order-confirmed", "--deal", "1", "--business-key", "X"),
             "error: correlation: name one of: a deal id, a business key, a variable, a correlation key"),
            (("order-confirmed", "--business-key", "ORD-1", "--as", "rep1"),
             "error: user 'rep1' may not send messages (designers, admins and worker tokens do)")):
        refused = send(*args)
        assert (refused.exit_code, refused.stderr) == (1, message + "\n"), refused.output
    bad = send("x", "--set", "novalue")
    assert bad.exit_code == 2 and "Traceback" not in bad.output and "is not name=value" in bad.output
    engine.close()
