"""The warnings' daily digest: sent through a real SMTP server (aiosmtpd, started in
the test) when one is configured, kept in the app otherwise; once per user and day."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller

from engine.errors import DealflowError
from tests.conftest import make_engine


class Inbox:
    """aiosmtpd's handler: keeps every message it is given, and answers ``answer``."""

    def __init__(self):
        self.messages = []
        self.answer = "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8")))
        return self.answer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()  # returns once the server answers
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def engine(db_url, clock):
    engine = make_engine(db_url, clock)
    yield engine
    engine.close()


def warned_deal(engine, clock, owner="rep1"):
    deal = engine.create_opportunity(title="Kiosk for Hotel Rex", amount="1000.00", partner="Hotel Rex",
                                     attributes={"channel": "retail"}, actor="manager", owner=owner)
    clock.advance(days=3)
    engine.sweep_warnings()
    return deal


def test_the_digest_is_mailed_through_smtp_once_a_day(engine, clock, smtp_server):
    inbox, port = smtp_server
    warned_deal(engine, clock)
    env = {"DEALFLOW_SMTP_HOST": "127.0.0.1", "DEALFLOW_SMTP_PORT": str(port), "DEALFLOW_SMTP_DOMAIN": "example.com",
           "DEALFLOW_SMTP_FROM": "alerts@example.com"}
    sent = engine.send_warning_digests(env=env)
    assert sorted((d.username, d.sent_to, d.count) for d in sent) == [
        ("admin", "admin@example.com", 1), ("manager", "manager@example.com", 1), ("rep1", "rep1@example.com", 1)]
    assert sorted(to for (to,), _ in inbox.messages) == ["admin@example.com", "manager@example.com",
                                                         "rep1@example.com"]
    body = next(text for (to,), text in inbox.messages if to == "rep1@example.com")
    assert "Subject: Dealflow: 1 deal warning on 2026-11-05" in body
    assert "Next action missed (1)" in body and "- Kiosk for Hotel Rex (Hotel Rex, rep1)" in body
    assert engine.send_warning_digests(env=env) == []  # once a day
    assert len(inbox.messages) == 3
    clock.advance(days=1)
    assert len(engine.send_warning_digests(env=env)) == 3  # the warning is still unacknowledged


def test_without_smtp_the_digest_is_kept_in_the_app_and_acknowledged_warnings_are_left_out(engine, clock):
    warned_deal(engine, clock)
    (warning,) = engine.warnings(viewer="rep1")
    engine.acknowledge_warning(warning.id, actor="rep1")
    assert engine.send_warning_digests(env={}) == []
    clock.advance(days=3)
    engine.sweep_warnings()  # idle? not yet: the missed task's warning stays acknowledged
    second = engine.create_opportunity(title="Bar", amount="10.00", partner="Bar", attributes={"channel": "retail"},
                                       actor="manager", owner="rep2")
    clock.advance(days=3)
    engine.sweep_warnings()
    digests = {d.username: d for d in engine.send_warning_digests(env={})}
    assert set(digests) == {"admin", "manager", "rep2"} and digests["rep2"].sent_to is None
    assert engine.latest_warning_digest(viewer="rep2").text.startswith("Good morning rep2,")
    assert engine.latest_warning_digest(viewer="rep1") is None
    assert second.id


def test_an_smtp_server_that_does_not_answer_is_one_clear_error(engine, clock):
    warned_deal(engine, clock)
    port = free_port()  # nothing listens there
    with pytest.raises(DealflowError, match=r"could not be sent through 127\.0\.0\.1:\d+: .*kept in the app"):
        engine.send_warning_digests(env={"DEALFLOW_SMTP_HOST": "127.0.0.1", "DEALFLOW_SMTP_PORT": str(port),
                                         "DEALFLOW_SMTP_DOMAIN": "example.com"})
    kept = engine.latest_warning_digest(viewer="admin")  # the first one tried
    assert kept.sent_to is None and "Next action missed (1)" in kept.text
