"""Login sessions end on the server, and failed logins are throttled per account and
per client address, counted in the database so every worker sees them (issue 11).
The clock is the tests' FakeClock: waits pass when the test moves it, never by sleeping."""

import logging

import pytest

from engine.service import Engine
from tests.webui.pages_support import csrf_token, make_app

WRONG = "not-the-password"


@pytest.fixture
def app(engine):
    return make_app(engine, csrf=True)


@pytest.fixture
def other_worker(engine, clock):
    """Another process's engine on the same database (closed after the test)."""
    other = Engine(engine.url, clock=clock)
    yield other
    other.close()


def attempt(client, username, password, address="203.0.113.7"):
    token = csrf_token(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def logged_in(app, username):
    client = app.test_client()
    assert attempt(client, username, "demo").status_code == 302
    return client


# --- sessions ---------------------------------------------------------------------------

def test_a_copied_session_cookie_stops_working_when_its_user_logs_out(app):
    client = logged_in(app, "rep1")
    stolen = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 200  # the copy works while the session lives

    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})

    replayed = thief.get("/")
    assert replayed.status_code == 302 and replayed.location.startswith("/login")
    assert logged_in(app, "rep1").get("/").status_code == 200  # logging in again works


def test_logging_out_ends_the_users_sessions_on_every_device_and_worker(app, other_worker):
    laptop, phone = logged_in(app, "rep1"), logged_in(app, "rep1")
    other_worker = make_app(other_worker).test_client()
    other_worker.set_cookie("session", phone.get_cookie("session").value)
    assert other_worker.get("/").status_code == 200
    bystander = logged_in(app, "rep2")

    laptop.post("/logout", data={"csrf_token": csrf_token(laptop.get("/").text)})

    assert [c.get("/").status_code for c in (laptop, phone, other_worker)] == [302, 302, 302]
    assert bystander.get("/").status_code == 200  # only rep1's sessions ended


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(app, engine):
    client = logged_in(app, "rep1")
    engine.set_password("rep1", "a brand new password")
    assert client.get("/").status_code == 302


def test_a_session_cookie_from_before_generations_names_nobody(app):
    client = logged_in(app, "rep1")
    with client.session_transaction() as session:
        session["_user_id"] = "rep1"  # what the cookie held before issue 11
    assert client.get("/").status_code == 302


# --- throttling -------------------------------------------------------------------------

def test_wrong_passwords_for_one_account_wait_longer_each_time_up_to_five_minutes(app, clock):
    client = app.test_client()
    answers = [attempt(client, "rep1", WRONG) for _ in range(60)]
    statuses = [a.status_code for a in answers]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    assert answers[5].headers["Retry-After"] == "2"
    assert "Try again in 2 seconds" in answers[5].text

    waits = []
    for _ in range(12):  # each failure after the wait doubles it, capped at 300 seconds
        clock.advance(seconds=int(attempt(client, "rep1", WRONG).headers["Retry-After"]))
        assert attempt(client, "rep1", WRONG).status_code == 401
        waits.append(int(attempt(client, "rep1", WRONG).headers["Retry-After"]))
    assert waits == [4, 8, 16, 32, 64, 128, 256, 300, 300, 300, 300, 300]


def test_while_the_account_waits_even_the_right_password_is_refused_and_after_it_resets(app, clock):
    client = app.test_client()
    for _ in range(5):
        attempt(client, "rep1", WRONG)
    assert attempt(client, "rep1", "demo").status_code == 429
    clock.advance(seconds=2)
    assert attempt(client, "rep1", "demo").status_code == 302  # the real user is back within seconds
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    for _ in range(4):  # the success forgot the failures: four more are free again
        assert attempt(client, "rep1", WRONG).status_code == 401
    clock.advance(hours=1)  # and an hour's quiet forgets them too
    assert [attempt(client, "rep1", WRONG).status_code for _ in range(5)] == [401] * 5


def test_an_attacker_who_stops_locks_the_real_user_out_for_at_most_five_minutes(app, clock):
    attacker = app.test_client()
    for _ in range(40):
        attempt(attacker, "rep1", WRONG, address=f"198.51.100.{_}")
        clock.advance(seconds=301)
    clock.advance(seconds=300)
    assert attempt(app.test_client(), "rep1", "demo", address="192.0.2.1").status_code == 302


def test_one_address_trying_many_accounts_is_throttled_above_a_higher_threshold(app, engine, clock):
    for i in range(10):
        engine.create_user(f"user{i}", "rep", password="correct horse")
    client = app.test_client()
    statuses = [attempt(client, f"user{i % 10}", WRONG).status_code for i in range(21)]
    assert statuses == [401] * 20 + [429]  # no account reached 5; the address reached 20
    refused = attempt(client, "user0", "correct horse")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    elsewhere = attempt(app.test_client(), "user0", "correct horse", address="192.0.2.50")
    assert elsewhere.status_code == 302  # another address is not held back
    clock.advance(hours=1)
    assert attempt(client, "user1", "correct horse").status_code == 302


def test_failures_are_counted_across_workers_on_the_same_database(app, other_worker):
    other = make_app(other_worker)
    for i in range(5):
        worker = app if i % 2 else other
        assert attempt(worker.test_client(), "rep1", WRONG).status_code == 401
    assert attempt(other.test_client(), "rep1", WRONG).status_code == 429
    assert attempt(app.test_client(), "rep1", WRONG).status_code == 429


def test_failed_and_refused_logins_are_logged_with_the_account_and_the_address(app, caplog):
    caplog.set_level(logging.WARNING, logger="dealflow.security")
    client = app.test_client()
    for _ in range(6):
        attempt(client, "rep1\nforged line", WRONG, address="203.0.113.9")
    messages = [r.getMessage() for r in caplog.records if r.name == "dealflow.security"]
    assert len(messages) == 6 and all(r.levelno == logging.WARNING for r in caplog.records)
    assert messages[0] == ("failed login for account 'rep1\\nforged line' from 203.0.113.9 "
                           "(1 in a row for the account, 1 from the address)")
    assert messages[-1].startswith("login refused for account 'rep1\\nforged line' from 203.0.113.9: "
                                   "throttled for 2 more seconds")


def test_a_10_kb_username_is_throttled_like_any_other_and_logged_short(app, caplog):
    caplog.set_level(logging.WARNING, logger="dealflow.security")
    client = app.test_client()
    statuses = [attempt(client, "x" * 10_000, WRONG).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    assert max(len(r.getMessage()) for r in caplog.records) < 300


def test_a_name_no_user_can_have_is_refused_before_it_is_counted(app):
    client = app.test_client()
    statuses = [attempt(client, "nul\x00name", WRONG).status_code for _ in range(8)]
    assert statuses == [422] * 8  # refused at once, no password checked, nothing stored
    assert attempt(client, "rep1", "demo").status_code == 302  # the address was not held back
