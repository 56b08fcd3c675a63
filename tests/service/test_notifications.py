"""Notifications (issue 15): a task handed to you, a deal and a partner handed over to
you, a swap that moved your deals — written in the use case's own transaction, seen by
their user only, marked read, and mailed once through a real SMTP server (aiosmtpd)
by the worker when SMTP is configured. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from email import message_from_string

import pytest

from engine.errors import ConflictError, DealflowError, FormError, NotFoundError
from tests.conftest import REPO, make_engine
from tests.service import test_warning_digest as digest_tests

SWAP_TARGET = REPO / "tests" / "methodology" / "swap_target"
smtp_server = digest_tests.smtp_server  # a real SMTP server (aiosmtpd) on a free port


@pytest.fixture
def engine(db_url, clock):
    engine = make_engine(db_url, clock)
    yield engine
    engine.close()


def deal_of_rep1(engine, title="Kiosk for Hotel Rex", partner="Hotel Rex", channel="retail"):
    return engine.create_opportunity(title=title, amount="1000.00", partner=partner, attributes={"channel": channel},
                                     actor="manager", owner="rep1")


def texts(engine, viewer):
    return [n.text for n in engine.notifications(viewer=viewer).items]


def test_a_task_handed_to_you_is_a_notification_of_yours_only(engine):
    deal = deal_of_rep1(engine)
    task = deal.open_tasks[0]
    assert engine.notifications(viewer="rep2").items == ()
    engine.reassign_task(task.id, to="rep2", actor="manager")
    page = engine.notifications(viewer="rep2")
    assert page.unread == 1 and engine.unread_notification_count(viewer="rep2") == 1
    (item,) = page.items
    assert (item.kind, item.task_id, item.opportunity_id, item.read_at) == (
        "task_assigned", task.id, deal.id, None)
    assert item.text.endswith(f" handed you the task “{task.name}” on Kiosk for Hotel Rex.")
    assert engine.notifications(viewer="rep1").items == ()  # nobody else is told
    assert engine.notifications(viewer="manager").items == ()  # nor the one who did it
    with pytest.raises(NotFoundError):
        engine.mark_notification_read(item.id, viewer="rep1")  # another user's: as if it did not exist
    assert engine.unread_notification_count(viewer="rep2") == 1
    read = engine.mark_notification_read(item.id, viewer="rep2")
    assert read.read_at is not None and engine.unread_notification_count(viewer="rep2") == 0


def test_a_deal_handed_over_tells_the_new_owner_and_newest_come_first(engine, clock):
    first = deal_of_rep1(engine)
    clock.advance(minutes=1)
    second = deal_of_rep1(engine, "Cold room", "Bar Mleczny")
    engine.reassign_opportunity(first.id, to="rep2", actor="manager")
    clock.advance(minutes=1)
    engine.reassign_opportunity(second.id, to="rep2", actor="manager")
    items = engine.notifications(viewer="rep2").items
    assert [(n.kind, n.opportunity_id) for n in items] == [("deal_handed_over", second.id),
                                                         ("deal_handed_over", first.id)]
    assert "handed the deal Cold room over to you with 1 open task." in items[0].text
    assert engine.mark_all_notifications_read(viewer="rep1") == 0  # rep1 has none: rep2's stay unread
    assert engine.unread_notification_count(viewer="rep2") == 2
    assert engine.mark_all_notifications_read(viewer="rep2") == 2
    assert engine.unread_notification_count(viewer="rep2") == 0


def test_a_refused_hand_over_tells_nobody(engine):
    deal = deal_of_rep1(engine)
    with pytest.raises(ConflictError):
        engine.reassign_opportunity(deal.id, to="rep1", actor="manager")  # already rep1's
    with pytest.raises(DealflowError):
        engine.reassign_opportunity(deal.id, to="admin", actor="manager")  # not a rep
    assert texts(engine, "rep1") == [] and texts(engine, "admin") == []


def test_a_partner_handed_over_tells_the_new_owner_once(engine):
    deal = deal_of_rep1(engine)
    engine.hand_over_partner(deal.partner_id, to="rep2", actor="manager")
    (item,) = engine.notifications(viewer="rep2").items
    assert (item.kind, item.partner_id, item.opportunity_id) == ("partner_handed_over", deal.partner_id, deal.id)
    assert "handed Hotel Rex over to you with 1 deal and 1 open task." in item.text


def test_a_swap_tells_each_owner_how_many_of_their_deals_moved(engine):
    engine.deploy(str(SWAP_TARGET), actor="admin")
    mine = [engine.create_opportunity(title=f"Cafe {i}", amount="10.00", partner="Bistro", actor="manager",
                                      owner="rep1", attributes={"channel": "horeca", "territory": "PL-N"})
            for i in range(2)]
    report = engine.swap_segment("horeca", "quick-deal", actor="manager")
    assert [m.count for m in report.moves] == [2]
    assert {engine.show_opportunity(d.id).methodology_id for d in mine} == {"quick-deal"}
    (item,) = engine.notifications(viewer="rep1").items
    assert item.kind == "deals_swapped" and item.opportunity_id is None
    assert "moved segment horeca to quick-deal@1.0: 2 of your deals moved to its stages." in item.text
    assert texts(engine, "rep2") == []


def test_notifications_are_mailed_once_through_smtp_by_the_worker(engine, smtp_server):
    inbox, port = smtp_server
    deal = deal_of_rep1(engine)
    engine.reassign_task(deal.open_tasks[0].id, to="rep2", actor="manager")
    engine.reassign_opportunity(deal.id, to="rep2", actor="manager")
    assert engine.send_notification_mails(env={}) == []  # no SMTP configured: nothing mailed, nothing claimed
    env = {"DEALFLOW_SMTP_HOST": "127.0.0.1", "DEALFLOW_SMTP_PORT": str(port), "DEALFLOW_SMTP_DOMAIN": "example.com",
           "DEALFLOW_SMTP_FROM": "alerts@example.com"}
    mailed = engine.send_notification_mails(env=env)
    assert [(m.username, m.address) for m in mailed] == [("rep2", "rep2@example.com")] * 2
    assert len(inbox.messages) == 2
    recipients, content = inbox.messages[0]
    assert recipients == ["rep2@example.com"] and "From: alerts@example.com" in content
    assert "handed you the task" in content and "Subject: Dealflow: " in content
    assert "handed the deal Kiosk for Hotel Rex over to you" in inbox.messages[1][1]
    assert engine.send_notification_mails(env=env) == []  # each once
    assert len(inbox.messages) == 2
    other = deal_of_rep1(engine, "Cold room", "Bar Mleczny")
    engine.hand_over_partner(other.partner_id, to="rep2", actor="manager")
    assert [m.text for m in engine.send_notification_mails(env=env)] == [
        texts(engine, "rep2")[0]]  # only the new one
    assert len(inbox.messages) == 3 and "handed Bar Mleczny over to you" in inbox.messages[2][1]
    # each mail has its own Message-ID, in the sender's domain (a resend keeps it: message_id)
    ids = [message_from_string(content)["Message-ID"].strip() for _, content in inbox.messages]
    assert len(set(ids)) == 3 and all(re.fullmatch(r"<dealflow\.notification\.\d+\.\d{20}@example\.com>", i)
                                      for i in ids), ids
    assert engine.unread_notification_count(viewer="rep2") == 3  # mailing does not mark them read


def test_a_failed_mail_is_given_back_and_sent_on_the_next_run(engine, smtp_server):
    inbox, port = smtp_server
    deal = deal_of_rep1(engine)
    engine.reassign_opportunity(deal.id, to="rep2", actor="manager")
    down = {"DEALFLOW_SMTP_HOST": "127.0.0.1", "DEALFLOW_SMTP_PORT": str(digest_tests.free_port()),
            "DEALFLOW_SMTP_DOMAIN": "example.com"}
    with pytest.raises(DealflowError, match="could not be sent"):
        engine.send_notification_mails(env=down)
    up = dict(down, DEALFLOW_SMTP_PORT=str(port))
    assert [m.address for m in engine.send_notification_mails(env=up)] == ["rep2@example.com"]
    assert len(inbox.messages) == 1


def test_a_mail_the_server_kept_but_refused_to_confirm_goes_again_with_the_same_message_id(engine, smtp_server):
    inbox, port = smtp_server
    deal = deal_of_rep1(engine)
    engine.reassign_opportunity(deal.id, to="rep2", actor="manager")
    env = {"DEALFLOW_SMTP_HOST": "127.0.0.1", "DEALFLOW_SMTP_PORT": str(port), "DEALFLOW_SMTP_DOMAIN": "example.com",
           "DEALFLOW_SMTP_FROM": "alerts@example.com"}
    inbox.answer = "451 try again later"  # the message is kept, the sender is told it failed
    with pytest.raises(DealflowError, match="could not be sent"):
        engine.send_notification_mails(env=env)
    inbox.answer = "250 OK"
    assert [m.address for m in engine.send_notification_mails(env=env)] == ["rep2@example.com"]
    first, second = (message_from_string(content)["Message-ID"].strip() for _, content in inbox.messages)
    assert first == second  # at least once, recognisably the same mail


def test_without_an_address_a_notification_stays_in_the_app(engine, smtp_server):
    inbox, port = smtp_server
    deal = deal_of_rep1(engine)
    engine.reassign_opportunity(deal.id, to="rep2", actor="manager")
    env = {"DEALFLOW_SMTP_HOST": "127.0.0.1", "DEALFLOW_SMTP_PORT": str(port)}  # no domain: no address
    assert [(m.username, m.address) for m in engine.send_notification_mails(env=env)] == [("rep2", None)]
    assert inbox.messages == [] and engine.send_notification_mails(env=env) == []
    assert engine.unread_notification_count(viewer="rep2") == 1


def test_an_overdue_next_action_tells_the_owner_once_however_many_sweeps(engine, clock):
    deal = deal_of_rep1(engine)
    engine.sweep_warnings()
    assert texts(engine, "rep1") == []  # not due yet
    clock.advance(days=3)
    engine.sweep_warnings()
    engine.sweep_warnings()
    (item,) = engine.notifications(viewer="rep1").items
    assert (item.kind, item.opportunity_id) == ("task_overdue", deal.id)
    assert item.text == "Kiosk for Hotel Rex: The next action was due 1 day ago and is not done."
    assert texts(engine, "rep2") == [] and texts(engine, "manager") == []


def test_two_sweeps_at_once_tell_the_owner_once(engine, clock, db_url):
    from concurrent.futures import ThreadPoolExecutor
    deal_of_rep1(engine)
    clock.advance(days=3)
    from engine import Engine
    second = Engine(db_url, clock=clock)
    try:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda e: e.sweep_warnings(), (engine, second)))
    finally:
        second.close()
    assert [n.kind for n in engine.notifications(viewer="rep1").items] == ["task_overdue"]


def test_notifications_page_newest_first_a_page_at_a_time(engine, clock):
    deal = deal_of_rep1(engine)
    for _ in range(5):  # five hand-overs of the task between rep2 and rep3: two notifications each way
        engine.reassign_task(deal.open_tasks[0].id, to="rep2", actor="manager")
        engine.reassign_task(deal.open_tasks[0].id, to="rep3", actor="manager")
        clock.advance(minutes=1)
    every = engine.notifications(viewer="rep2")
    assert (len(every.items), every.older) == (5, None)
    first = engine.notifications(viewer="rep2", limit=2)
    second = engine.notifications(viewer="rep2", before=first.older, limit=2)
    third = engine.notifications(viewer="rep2", before=second.older, limit=2)
    assert [n.id for n in first.items + second.items + third.items] == [n.id for n in every.items]
    assert third.older is None and first.unread == 5
    for bad in ({"before": "x"}, {"limit": "0"}, {"limit": "201"}, {"before": "9223372036854775808"}, {"limit": ""}):
        with pytest.raises(FormError):
            engine.notifications(viewer="rep2", **bad)


def test_a_user_who_turns_mail_off_keeps_notifications_in_the_app_only(engine, smtp_server):
    inbox, port = smtp_server
    env = {"DEALFLOW_SMTP_HOST": "127.0.0.1", "DEALFLOW_SMTP_PORT": str(port), "DEALFLOW_SMTP_DOMAIN": "example.com"}
    deal = deal_of_rep1(engine)
    assert engine.notifications(viewer="rep2").mailed
    assert engine.set_notification_mail(viewer="rep2", mail=False) is False
    engine.reassign_opportunity(deal.id, to="rep2", actor="manager")
    assert [(m.username, m.address) for m in engine.send_notification_mails(env=env)] == [("rep2", None)]
    assert inbox.messages == [] and engine.unread_notification_count(viewer="rep2") == 1
    engine.set_notification_mail(viewer="rep2", mail=True)
    assert engine.send_notification_mails(env=env) == []  # no backlog mailed when it is turned back on
    engine.reassign_task(engine.show_opportunity(deal.id).open_tasks[0].id, to="rep3", actor="manager")
    engine.reassign_task(engine.show_opportunity(deal.id).open_tasks[0].id, to="rep2", actor="manager")
    assert [m.address for m in engine.send_notification_mails(env=env) if m.username == "rep2"] == [
        "rep2@example.com"]
