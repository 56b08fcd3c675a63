"""Notifications on screen (issue 15): the bell's unread count in the nav, the list
newest first, opening one (its task or deal), marking one or all read with the CSRF
token — and another user's notification is a 404 that changes nothing."""

from __future__ import annotations

from tests.webui.pages_support import client_for, csrf_token, log_in, make_app, open_deal


def test_the_bell_counts_and_the_page_lists_only_your_own(app, engine):
    deal = open_deal(engine)  # rep1's
    rep2 = client_for(app, "rep2")
    assert 'id="nav-notifications"' in rep2.get("/").text and 'id="notification-count"' not in rep2.get("/").text
    engine.reassign_task(deal.open_tasks[0].id, to="rep2", actor="manager")
    inbox = rep2.get("/")
    assert 'id="notification-count">1<' in inbox.text
    page = rep2.get("/notifications")
    assert page.status_code == 200 and "handed you the task" in page.text and deal.title in page.text
    rep1 = client_for(app, "rep1").get("/notifications")
    assert 'id="notifications-empty"' in rep1.text and "handed you the task" not in rep1.text
    assert 'id="notification-count"' not in rep1.text


def test_opening_one_marks_it_read_and_goes_to_its_task_or_deal(app, engine, clock):
    deal = open_deal(engine)
    task_id = deal.open_tasks[0].id
    engine.reassign_task(task_id, to="rep2", actor="manager")
    clock.advance(minutes=1)
    engine.reassign_opportunity(deal.id, to="rep2", actor="manager")
    newest, older = engine.notifications(viewer="rep2").items
    rep2 = client_for(app, "rep2")
    text = rep2.get("/notifications").text
    assert text.index(f'id="notification-{newest.id}"') < text.index(f'id="notification-{older.id}"')
    opened = rep2.post(f"/notifications/{older.id}/open")
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/tasks/{task_id}")
    opened = rep2.post(f"/notifications/{newest.id}/open")
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/opportunities/{deal.id}")
    assert engine.unread_notification_count(viewer="rep2") == 0
    assert 'id="notification-count"' not in rep2.get("/notifications").text


def test_another_users_notification_is_a_404_and_stays_unread(app, engine):
    deal = open_deal(engine)
    engine.reassign_opportunity(deal.id, to="rep2", actor="manager")
    (item,) = engine.notifications(viewer="rep2").items
    for who in ("rep1", "manager", "admin"):
        client = client_for(app, who)
        for path in (f"/notifications/{item.id}/open", f"/notifications/{item.id}/read", "/notifications/999/read"):
            response = client.post(path)
            assert response.status_code == 404 and deal.title not in response.text
        client.post("/notifications/read-all")  # their own: none
    assert engine.unread_notification_count(viewer="rep2") == 1
    assert app.test_client().get("/notifications").status_code == 302  # not logged in: to the login page
    assert app.test_client().post(f"/notifications/{item.id}/read").status_code in (302, 401)


def test_marking_read_needs_the_csrf_token(engine):
    deal = open_deal(engine)
    engine.reassign_opportunity(deal.id, to="rep2", actor="manager")
    app = make_app(engine, csrf=True)
    client = app.test_client()
    log_in(client, "rep2", csrf=True)
    page = client.get("/notifications").text
    assert client.post("/notifications/read-all").status_code == 400  # no token
    assert engine.unread_notification_count(viewer="rep2") == 1
    done = client.post("/notifications/read-all", data={"csrf_token": csrf_token(page)})
    assert done.status_code == 303 and engine.unread_notification_count(viewer="rep2") == 0
    assert "1 notification marked read." in client.get("/notifications").text


def test_older_notifications_are_a_page_away_and_mail_can_be_turned_off(app, engine):
    deal = open_deal(engine)
    for _ in range(3):
        engine.reassign_task(deal.open_tasks[0].id, to="rep2", actor="manager")
        engine.reassign_task(deal.open_tasks[0].id, to="rep3", actor="manager")
    rep2 = client_for(app, "rep2")
    page = rep2.get("/notifications").text
    assert 'id="older-page"' not in page and page.count('class="card notification') == 3
    assert 'id="mail-notifications" checked' in page
    assert rep2.get("/notifications?before=abc").status_code == 404
    older = rep2.get(f"/notifications?before={engine.notifications(viewer='rep2').items[0].id}").text
    assert older.count('class="card notification') == 2 and 'id="newest-page"' in older
    saved = rep2.post("/notifications/mail", data={})  # the box unticked
    assert saved.status_code == 303 and not engine.notifications(viewer="rep2").mailed
    assert engine.notifications(viewer="rep3").mailed  # only the caller's own setting
    assert 'id="mail-notifications" checked' not in rep2.get("/notifications").text
