"""The shipped ERP example (examples/erp/): seed 002's after-sale stages driven by
the ERP's events through the sample bridge, a real process posting to a real server
on SQLite and PostgreSQL. The ERP may be faster than the rep (its confirmation is
buffered until the rep records the order number), a partial payment sends the rep to
chase the rest, a cancellation loses the deal, and a malformed event is refused
without stopping the others."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from werkzeug.serving import make_server

from engine.cli import main as cli
from tests.conftest import make_engine
from webui import create_app

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "erp"
TOPICS = [f"message:{name}" for name in
          ("order-confirmed", "order-cancelled", "delivered", "invoiced", "payment-received")]


@pytest.fixture
def erp(db_url, clock):
    """The engine with the example's methodology, its app on a free port, and a way
    to run the bridge over some ERP events (its exit status and its lines)."""
    engine = make_engine(db_url, clock, EXAMPLE / "methodologies")
    server = make_server("127.0.0.1", 0, create_app({"TESTING": True, "SECRET_KEY": "x", "ENGINE": engine}),
                         threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env = {**os.environ, "PYTHONPATH": str(REPO), "DEALFLOW_URL": f"http://127.0.0.1:{server.server_port}",
           "DEALFLOW_WORKER_TOKEN": engine.create_worker_token("erp", TOPICS, actor="admin")}

    def bridge(*events) -> tuple[int, list[str]]:
        lines = "".join((e if isinstance(e, str) else json.dumps(e)) + "\n" for e in events)
        done = subprocess.run([sys.executable, str(EXAMPLE / "erp_bridge.py")], input=lines, text=True,
                              capture_output=True, env=env, cwd=REPO, timeout=120)
        assert done.stderr == ""
        return done.returncode, done.stdout.splitlines()

    yield engine, bridge
    server.shutdown()
    thread.join()
    engine.close()


def record_order(engine, deal_id: int, number: str):
    task = next(t for t in engine.show_opportunity(deal_id).open_tasks if t.node_id == "Task_RecordOrder")
    return engine.complete_task(task.id, actor="rep1", data={"order_number": number, "order_date": date(2026, 12, 1)})


def stage_names(engine, deal_id: int) -> tuple[str, str]:
    deal = engine.show_opportunity(deal_id)
    return deal.stage_name, deal.status


def test_the_example_validates():
    result = CliRunner().invoke(cli, ["validate", str(EXAMPLE / "methodologies")])
    assert result.exit_code == 0, result.output


def test_the_erp_moves_a_deal_from_order_to_paid_and_an_early_confirmation_waits_for_the_rep(erp):
    engine, bridge = erp
    deal = engine.create_opportunity(title="Bistro Nord order", amount="1250.00", partner="Bistro Nord",
                                     actor="manager", owner="rep1")
    assert stage_names(engine, deal.id) == ("Zamówienie", "open")

    status, lines = bridge({"event": "order-confirmed", "order": "ZA/2026/0042"})
    assert status == 0 and "buffered until" in lines[0], lines
    assert stage_names(engine, deal.id) == ("Zamówienie", "open")  # the rep has not typed the number yet

    record_order(engine, deal.id, "ZA/2026/0042")
    assert stage_names(engine, deal.id) == ("Dostawa", "open")  # the buffered confirmation was taken

    status, lines = bridge({"event": "delivered", "order": "ZA/2026/0042"},
                           {"event": "invoiced", "order": "ZA/2026/0042", "invoice_amount": "1250.00"},
                           {"event": "payment-received", "order": "ZA/2026/0042", "paid_amount": "400.00"})
    assert status == 0 and all(f"delivered to deal(s) {deal.id}" in line for line in lines), lines
    shown = engine.show_opportunity(deal.id)
    assert (shown.stage_name, shown.status) == ("Należność", "open")
    chase = next(t for t in shown.open_tasks if t.node_id == "Task_ChasePayment")  # 400 of 1250: not in full
    engine.complete_task(chase.id, actor="rep1", data={"chase_note": "The rest comes on Friday"})

    status, lines = bridge({"event": "payment-received", "order": "ZA/2026/0042", "paid_amount": "1250.00"})
    assert status == 0, lines
    assert stage_names(engine, deal.id) == ("Zapłacone", "won")
    received = [e.data["message"] for e in engine.show_opportunity(deal.id).events if e.kind == "message_received"]
    assert received == ["order-confirmed", "delivered", "invoiced", "payment-received", "payment-received"]


def test_a_cancelled_order_loses_only_its_own_deal_and_a_bad_line_is_refused_without_stopping_the_rest(erp):
    engine, bridge = erp
    kept, cancelled = (engine.create_opportunity(title=title, amount="900.00", partner=title, actor="manager",
                                                 owner="rep1") for title in ("Kept", "Cancelled"))
    record_order(engine, kept.id, "ZA/1")
    record_order(engine, cancelled.id, "ZA/2")
    status, lines = bridge('{"event": "order-cancelled"',  # cut short by the ERP
                           {"event": "order-cancelled", "order": "ZA/2"},
                           {"event": "invoiced", "order": "ZA/1", "invoice_number": "FV/1"})
    assert status == 1
    assert lines[0].startswith("line 1: not an ERP event")
    assert lines[1] == f"line 2: order-cancelled for ZA/2 delivered to deal(s) {cancelled.id}"
    # ZA/1 waits for its confirmation, not an invoice: buffered for when it does.
    assert lines[2].startswith("line 3: invoiced for ZA/1 buffered until")
    assert stage_names(engine, cancelled.id) == ("Anulowane", "lost")
    assert stage_names(engine, kept.id) == ("Zamówienie", "open")
