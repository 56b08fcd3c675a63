"""Buffered messages under races, on SQLite and PostgreSQL, from two engines on one
database: a sender buffering a message while the deal it is for begins to wait (the
message must not be left buffered beside a waiting deal) — released together, and
forced on PostgreSQL to buffer only after the deal began to look — and two deals
beginning to wait for one buffered message (exactly one takes it)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, text

from engine.service import Engine
from engine.views.messages import Correlation
from tests.conftest import make_engine
from tests.engine.test_concurrency import at_once
from tests.service.test_messages import FIXTURE, order, stage

ROUNDS = 4


@pytest.fixture
def two_engines(db_url, clock):
    first = make_engine(db_url, clock, FIXTURE)
    second = Engine(db_url, clock=clock)
    yield first, second
    first.close()
    second.close()


def received(engine, deal) -> int:
    return [e.kind for e in engine.show_opportunity(deal.id).events].count("message_received")


def test_a_message_buffered_while_its_deal_begins_to_wait_reaches_the_deal(two_engines):
    first, second = two_engines
    for round_ in range(ROUNDS):
        key = f"RACE-{round_}"
        # the deal waits at its receive task from the moment it is opened
        sent, deal = at_once(
            lambda: second.send_message("order-confirmed", Correlation(business_key=key), buffer_seconds=3600,
                                        actor="admin"),
            lambda: order(first, key, f"Order {round_}"))
        assert not isinstance(sent, Exception) and not isinstance(deal, Exception), (sent, deal)
        assert (stage(first, deal), received(first, deal)) == ("delivery", 1), (round_, sent)
        # taken, not also kept: a twin opened afterwards still waits
        twin = order(first, key, f"Twin {round_}")
        assert stage(first, twin) == "order", round_


def test_two_deals_beginning_to_wait_for_one_buffered_message_take_it_once(two_engines):
    first, second = two_engines
    for round_ in range(ROUNDS):
        key = f"ONCE-{round_}"
        first.send_message("order-confirmed", Correlation(business_key=key), buffer_seconds=3600, actor="admin")
        deals = at_once(lambda: order(first, key, f"First {round_}"), lambda: order(second, key, f"Second {round_}"))
        assert not any(isinstance(d, Exception) for d in deals), deals
        assert sorted(stage(first, d) for d in deals) == ["delivery", "order"], round_
        assert sum(received(first, d) for d in deals) == 1, round_


def test_a_sender_held_up_after_finding_nothing_waiting_still_reaches_the_deal_that_began_to_wait(two_engines,
                                                                                                  db_url):
    """PostgreSQL: the test holds the buffered messages' table against inserts, so the
    sender stops after it found no deal waiting, just before it buffers; then the deal
    is opened. The message name's lock makes the deal wait for the sender and take the
    buffered message; without it the deal finds nothing buffered and waits, and the
    sender's second look for waiting deals, after buffering, must deliver it (the two
    defences cover each other here; the name lock alone covers a sender that looks
    again before the deal commits). SQLite has one writer at a time: there the two run
    one after the other."""
    first, second = two_engines
    correlation = Correlation(business_key="HELD-1")
    if not db_url.startswith("postgresql"):
        second.send_message("order-confirmed", correlation, buffer_seconds=3600, actor="admin")
        deal = order(first, "HELD-1")
    else:
        raw = create_engine(db_url)
        try:
            with raw.connect() as gate:
                gate_pid = gate.execute(text("SELECT pg_backend_pid()")).scalar()
                gate.execute(text("LOCK TABLE buffered_messages IN SHARE MODE"))  # inserts wait; reads don't
                results = {}
                sender = threading.Thread(target=lambda: results.update(sent=_outcome(
                    lambda: second.send_message("order-confirmed", correlation, buffer_seconds=3600,
                                                actor="admin"))))
                sender.start()
                (sender_pid,) = _blocked_by(raw, gate_pid, lambda: False, "the sender never tried to buffer")
                opener = threading.Thread(target=lambda: results.update(deal=_outcome(
                    lambda: order(first, "HELD-1"))))
                opener.start()
                # the opener either finished (nothing held it: the lost interleaving) or
                # waits — on the sender's name lock, or on the gate itself
                _blocked_by(raw, sender_pid, lambda: not opener.is_alive(), "the opener neither ended nor waited",
                            also=gate_pid, besides=sender_pid)
                gate.commit()
                for thread in (sender, opener):
                    thread.join(timeout=60)
                    assert not thread.is_alive(), "a call hung"
        finally:
            raw.dispose()
        assert not isinstance(results["sent"], Exception), results
        deal = results["deal"]
        assert not isinstance(deal, Exception), results
    assert (stage(first, deal), received(first, deal)) == ("delivery", 1)


def _outcome(call):
    try:
        return call()
    except Exception as err:  # noqa: BLE001 - the test inspects it
        return err


def _blocked_by(raw, holder: int, done, failure: str, *, also: int | None = None, besides: int | None = None):
    """Until some backend waits on ``holder`` (or on ``also``, other than
    ``besides``) — their pids — or ``done()``: a bounded wait on the condition
    itself. Only waits on these backends count: other tests share the database."""
    query = text("SELECT pid FROM pg_stat_activity WHERE (:holder = ANY(pg_blocking_pids(pid)) OR "
                 "(:also = ANY(pg_blocking_pids(pid)) AND pid <> :besides))")
    deadline = time.monotonic() + 30
    with raw.connect() as watcher:
        while True:
            pids = watcher.execute(query, {"holder": holder, "also": also or -1, "besides": besides or -1}).scalars().all()
            watcher.rollback()
            if pids or done():
                return pids
            assert time.monotonic() < deadline, failure
            time.sleep(0.01)
