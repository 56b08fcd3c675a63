"""Logging in and out, CSRF tokens on every form, and time zones on the screens.
These tests run with CSRF on, as production does."""

import pytest

from tests.webui.pages_support import csrf_token, log_in, make_app, open_deal


@pytest.fixture
def app(engine):
    return make_app(engine, csrf=True)


def test_every_screen_sends_an_anonymous_visitor_to_the_login_page(app, engine):
    deal = open_deal(engine)
    client = app.test_client()
    for path in ("/", f"/tasks/{deal.open_tasks[0].id}", f"/opportunities/{deal.id}", "/pipeline"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/login"), path


def test_a_rep_logs_in_with_the_form_and_its_csrf_token_and_lands_in_the_inbox(app):
    client = app.test_client()
    response = log_in(client, "rep1", csrf=True)
    assert (response.status_code, response.location) == (302, "/")
    inbox = client.get("/")
    assert inbox.status_code == 200 and 'id="current-user"' in inbox.text and "rep1" in inbox.text


def test_a_wrong_password_and_an_unknown_user_get_the_same_generic_message(app):
    client = app.test_client()
    wrong = log_in(client, "rep1", "not-the-password", csrf=True)
    unknown = log_in(client, "nobody", "demo", csrf=True)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Wrong username or password." in response.text
        assert "not-the-password" not in response.text
    assert client.get("/").status_code == 302  # still not logged in


def test_a_login_post_without_the_csrf_token_is_refused(app):
    response = app.test_client().post("/login", data={"username": "rep1", "password": "demo"})
    assert response.status_code == 400
    assert "security token" in response.text


def test_completing_a_task_without_the_csrf_token_is_refused_and_changes_nothing(app, engine):
    deal = open_deal(engine)
    task_id = deal.open_tasks[0].id
    client = client_for_csrf(app, "rep1")
    response = client.post(f"/tasks/{task_id}", data={"amount": "5", "interested": "true"})
    assert response.status_code == 400
    assert engine.task(task_id, viewer="rep1").status == "ready"
    page = client.get(f"/tasks/{task_id}")
    done = client.post(f"/tasks/{task_id}", data={"amount": "5", "interested": "true",
                                                  "csrf_token": csrf_token(page.text)})
    assert done.status_code == 303
    assert engine.task(task_id, viewer="rep1").status == "completed"


def test_claiming_and_reassigning_without_the_csrf_token_are_refused(app, engine):
    deal = open_deal(engine)
    task_id = deal.open_tasks[0].id
    client = client_for_csrf(app, "manager")
    assert client.post(f"/tasks/{task_id}/claim").status_code == 400
    assert client.post(f"/opportunities/{deal.id}/reassign", data={"to": "rep2"}).status_code == 400
    assert client.post(f"/tasks/{task_id}/reassign", data={"to": "rep2"}).status_code == 400
    assert engine.opportunity_for(deal.id, viewer="manager").owner == "rep1"


def test_logging_out_is_a_post_with_the_token_and_ends_the_session(app):
    client = client_for_csrf(app, "rep1")
    assert client.post("/logout").status_code == 400  # no token: still logged in
    assert client.get("/").status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    assert response.status_code == 302 and response.location == "/login"
    assert client.get("/").status_code == 302


def test_after_login_only_a_path_on_this_site_is_followed(app):
    client = app.test_client()
    token = csrf_token(client.get("/login").text)
    response = client.post("/login", data={"username": "rep1", "password": "demo", "csrf_token": token,
                                           "next": "//evil.example/steal"})
    assert response.location == "/"
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    token = csrf_token(client.get("/login").text)
    response = client.post("/login", data={"username": "rep1", "password": "demo", "csrf_token": token,
                                           "next": "/pipeline"})
    assert response.location == "/pipeline"


def test_due_dates_show_in_the_browsers_zone_with_its_name_and_in_utc_without_one(app, engine):
    open_deal(engine)  # due 2026-11-04 09:00 UTC (P2D from the fake clock's 2026-11-02 09:00)
    client = client_for_csrf(app, "rep1")
    assert "2026-11-04 09:00 UTC" in client.get("/").text
    client.set_cookie("tz", "Europe/Warsaw")
    assert "2026-11-04 10:00 CET" in client.get("/").text
    client.set_cookie("tz", "Not/AZone")
    assert "2026-11-04 09:00 UTC" in client.get("/").text


def test_the_zone_can_be_chosen_without_javascript(app, engine):
    open_deal(engine)
    client = client_for_csrf(app, "rep1")
    response = client.post("/timezone", data={"tz": "America/New_York", "next": "/",
                                              "csrf_token": csrf_token(client.get("/").text)})
    assert response.status_code == 302
    assert "2026-11-04 04:00 EST" in client.get("/").text


def client_for_csrf(app, username):
    client = app.test_client()
    assert log_in(client, username, csrf=True).status_code == 302
    return client


def test_the_session_cookie_is_http_only_and_same_site_lax(app):
    client = app.test_client()
    response = log_in(client, "rep1", csrf=True)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
