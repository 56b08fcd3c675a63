"""dealflow_worker against a real Flask server (a thread serving the app over TCP) on
SQLite and PostgreSQL: two worker processes compete for 100 external tasks and each is
completed exactly once; a handler's exception is a failure, a BpmnError reaches the
boundary event; the built-in HTTP worker calls a real HTTP server and maps its answer,
the e-mail worker sends through a real SMTP server."""

from __future__ import annotations

import json
from email import message_from_string
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from dealflow_worker import BpmnError, Worker, WorkerClient, builtin
from tests.conftest import make_engine
from tests.service.test_external_tasks import ERP
from tests.service.test_warning_digest import smtp_server  # noqa: F401  (fixture)
from webui import create_app

REPO = Path(__file__).resolve().parents[2]
COMPETITOR = """
import sys
from dealflow_worker import Worker, WorkerClient
worker = Worker(WorkerClient(sys.argv[1], sys.argv[2], sys.argv[3]))
done = []

@worker.topic("invoice")
def invoice(task):
    done.append(task.id)
    return {"paid": True, "invoiceNumber": "FV/" + task.id[:8]}

while worker.run_once(max_tasks=5, wait_ms=0):
    pass
print("\\n".join(done))
"""


@pytest.fixture
def served(db_url, clock):
    """The engine and its web app listening on a free port."""
    engine = make_engine(db_url, clock, ERP)
    server = make_server("127.0.0.1", 0, create_app({"TESTING": True, "SECRET_KEY": "x", "ENGINE": engine}),
                         threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield engine, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    engine.close()


def open_deals(engine, count: int) -> list[int]:
    return [engine.create_opportunity(title=f"Order {i}", amount="1000.00", partner=f"P{i}", actor="manager",
                                      owner="rep1").id for i in range(count)]


def test_two_worker_processes_complete_100_tasks_each_exactly_once(served):
    engine, url = served
    deals = open_deals(engine, 100)
    token = engine.create_worker_token("erp", ["invoice"], actor="admin")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    workers = [subprocess.Popen([sys.executable, "-c", COMPETITOR, url, token, f"w{n}"], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in (1, 2)]
    outputs = [w.communicate(timeout=600) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in outputs]
    done = [set(out.split()) for out, _ in outputs]
    assert len(done[0]) + len(done[1]) == 100 and not done[0] & done[1]
    assert all(done), "both workers got some of the work"
    for deal in deals:
        shown = engine.show_opportunity(deal)
        assert shown.stage_id == "shipping"
        assert [e.kind for e in shown.events].count("external_task_completed") == 1


def test_a_handlers_exception_is_a_failure_and_a_bpmn_error_reaches_the_boundary_event(served):
    engine, url = served
    failing, refused = open_deals(engine, 2)
    worker = Worker(WorkerClient(url, engine.create_worker_token("erp", ["invoice"], actor="admin"), "w1"),
                    retry_timeout_ms=0)

    @worker.topic("invoice")
    def invoice(task):
        if task.opportunity_id == refused:
            raise BpmnError("NO_CREDIT", "over the limit")
        raise ConnectionError("ERP down")

    assert worker.run_once(wait_ms=0) == 2
    assert engine.show_opportunity(refused).status == "lost"
    [again] = worker.client.fetch_and_lock({"invoice": 1000})
    assert (again.opportunity_id, again.retries) == (failing, 2)  # 3 retries, one spent


def test_an_answer_dealflow_refuses_becomes_an_incident_so_the_handler_never_runs_twice(served):
    engine, url = served
    [deal] = open_deals(engine, 1)
    worker = Worker(WorkerClient(url, engine.create_worker_token("erp", ["invoice"], actor="admin"), "w1"))
    runs = []

    @worker.topic("invoice")
    def invoice(task):
        runs.append(task.id)  # an e-mail sent, an invoice made: not to be done twice
        return {"payd": True}  # a variable the process does not read: refused with 422

    assert worker.run_once(wait_ms=0) == 1
    assert worker.client.fetch_and_lock({"invoice": 1000}) == []  # not handed out again
    [incident] = [i for i in engine.incidents(viewer="admin") if i.opportunity_id == deal]
    assert "the worker's answer was refused" in incident.error_message and len(runs) == 1


class Erp(BaseHTTPRequestHandler):
    """A stand-in ERP: POST /invoices/{deal} answers the invoice it made."""

    seen: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Erp.seen.append((self.path, body, self.headers.get("Authorization")))
        answer = json.dumps({"invoice": {"number": f"FV/{body['amount']}", "paid": True}}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def test_the_built_in_http_worker_calls_the_configured_base_url_and_maps_the_answer(served):
    engine, url = served
    [deal] = open_deals(engine, 1)
    Erp.seen = []
    erp = HTTPServer(("127.0.0.1", 0), Erp)
    threading.Thread(target=erp.serve_forever, daemon=True).start()
    try:
        worker = Worker(WorkerClient(url, engine.create_worker_token("erp", ["invoice"], actor="admin"), "w1"))
        config = {"http": {"invoice": {"method": "POST", "path": "/invoices/$opportunityId",
                                       "body": {"amount": "$amount"},
                                       "result": {"invoiceNumber": "invoice.number", "paid": "invoice.paid"}}}}
        builtin.register(worker, config, {"DEALFLOW_HTTP_BASE_URL": f"http://127.0.0.1:{erp.server_port}/erp",
                                          "DEALFLOW_HTTP_AUTHORIZATION": "Bearer erp-secret"})
        assert worker.run_once(wait_ms=0) == 1
    finally:
        erp.shutdown()
        erp.server_close()
    assert Erp.seen == [(f"/erp/invoices/{deal}", {"amount": "1000.00"}, "Bearer erp-secret")]
    shown = engine.show_opportunity(deal)
    assert shown.stage_id == "shipping"
    completed = [e for e in shown.events if e.kind == "external_task_completed"]
    assert completed[0].data["variables"] == {"invoiceNumber": "FV/1000.00", "paid": True}


def test_the_built_in_email_worker_sends_the_templated_message(served, smtp_server):  # noqa: F811
    engine, url = served
    inbox, port = smtp_server
    [deal] = open_deals(engine, 1)
    worker = Worker(WorkerClient(url, engine.create_worker_token("mail", ["invoice"], actor="admin"), "w1"))
    builtin.register(worker, {"email": {"invoice": {"to": "buyer@example.com", "subject": "Invoice for $amount PLN",
                                                    "body": "Deal $opportunityId: we invoice $amount PLN."}}},
                     {"DEALFLOW_SMTP_HOST": "127.0.0.1", "DEALFLOW_SMTP_PORT": str(port),
                      "DEALFLOW_SMTP_FROM": "erp@example.com"})
    assert worker.run_once(wait_ms=0) == 1
    [(to, text)] = inbox.messages
    assert to == ["buyer@example.com"] and "Subject: Invoice for 1000.00 PLN" in text
    assert f"Deal {deal}: we invoice 1000.00 PLN." in text
    assert re.fullmatch(r"<dealflow\.external-task\.[\w-]+@example\.com>",
                        message_from_string(text)["Message-ID"].strip()), text
