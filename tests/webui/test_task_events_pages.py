"""The task page's other ways to end a task (issue 14): a secondary button per error or
escalation boundary event, each a CSRF-protected form with a ticked confirmation the
server checks too; the rep ends "Prepare offer" as "Customer withdrew" or raises
"Discount above my limit". Flask test client on SQLite and PostgreSQL (Chromium:
tests/browser/test_task_events_in_chromium.py)."""

from __future__ import annotations

import pytest

from tests.conftest import make_engine
from tests.service.test_task_events import FAILING, OFFERS, offers_with_script, open_offer
from tests.webui.pages_support import client_for, csrf_token, log_in, make_app, with_passwords


@pytest.fixture
def offers(db_url, clock):
    engine = with_passwords(make_engine(db_url, clock, OFFERS))
    yield engine
    engine.close()


def test_the_page_offers_each_boundary_as_a_secondary_confirmed_form(offers):
    _, task = open_offer(offers)
    page = client_for(make_app(offers), "rep1").get(f"/tasks/{task.id}").text
    section = page.split('id="task-events"')[1].split("</section>")[0]
    assert page.index('id="task-submit"') < page.index('id="task-events"')  # Complete comes first
    assert 'class="primary"' not in section and "task_events.css" in page
    for boundary, label, confirm in (
            ("Boundary_Withdrew", "End as: Customer withdrew",
             "End “Prepare offer” as “Customer withdrew”: it closes without your answers above"),
            ("Boundary_Discount", "Raise: Discount above my limit",
             "Raise “Discount above my limit”: the deal starts that path beside this task, which stays open")):
        form = section.split(f'id="task-event-form-{boundary}"')[1].split("</form>")[0]
        assert 'name="csrf_token"' in form and 'name="confirm" value="yes" required' in form
        assert confirm in " ".join(form.split()) and f">{label}</button>" in form
    assert 'name="message"' in section.split('id="task-event-form-Boundary_Withdrew"')[1].split("</form>")[0]


def test_unticked_nothing_happens_ticked_the_escalation_keeps_the_task_and_the_error_ends_it(offers):
    deal, task = open_offer(offers)
    rep = client_for(make_app(offers), "rep1")
    unticked = rep.post(f"/tasks/{task.id}/boundary", data={"kind": "error", "code": "CUSTOMER_WITHDREW",
                                                            "name": "Customer withdrew"}, follow_redirects=True)
    assert "Nothing was reported: tick the box to confirm “Customer withdrew”" in unticked.text
    assert offers.task(task.id, viewer="rep1").status == "ready"
    raised = rep.post(f"/tasks/{task.id}/boundary", data={"kind": "escalation", "code": "DISCOUNT", "confirm": "yes",
                                                          "name": "Discount above my limit"}, follow_redirects=True)
    assert "Raised “Discount above my limit”; “Prepare offer” stays open with you." in raised.text
    assert 'id="task-event-form-Boundary_Discount"' not in raised.text  # raised once: its button is gone
    assert 'id="task-event-form-Boundary_Withdrew"' in raised.text
    assert sorted(t.name for t in offers.show_opportunity(deal.id).open_tasks) == ["Approve the discount",
                                                                                    "Prepare offer"]
    ended = rep.post(f"/tasks/{task.id}/boundary", data={"kind": "error", "code": "CUSTOMER_WITHDREW",
                                                         "confirm": "yes", "name": "Customer withdrew",
                                                         "message": "Budget frozen"})
    assert ended.status_code == 303 and ended.headers["Location"] == "/"  # the inbox
    assert "“Prepare offer” ended as “Customer withdrew”" in rep.get("/inbox").text
    shown = offers.show_opportunity(deal.id)
    assert shown.status == "lost"
    assert [e.data["message"] for e in shown.events if e.kind == "task_error"] == ["Budget frozen"]
    again = rep.post(f"/tasks/{task.id}/boundary", data={"kind": "error", "code": "CUSTOMER_WITHDREW",
                                                         "confirm": "yes"}, follow_redirects=True)
    assert "is no longer ready" in again.text
    assert 'id="task-events"' not in rep.get(f"/tasks/{task.id}").text


def test_the_wrong_user_sees_no_buttons_and_may_not_post(offers):
    _, task = open_offer(offers)
    app = make_app(offers)
    assert client_for(app, "rep2").post(f"/tasks/{task.id}/boundary", data={
        "kind": "error", "code": "CUSTOMER_WITHDREW", "confirm": "yes"}).status_code == 404
    assert client_for(app, "rep2").get(f"/tasks/{task.id}").status_code == 404
    assert offers.task(task.id, viewer="rep1").status == "ready"


def test_without_the_csrf_token_the_post_is_refused(offers):
    _, task = open_offer(offers)
    client = make_app(offers, csrf=True).test_client()
    assert log_in(client, "rep1", csrf=True).status_code == 302
    data = {"kind": "error", "code": "CUSTOMER_WITHDREW", "confirm": "yes"}
    assert client.post(f"/tasks/{task.id}/boundary", data=data).status_code == 400
    assert offers.task(task.id, viewer="rep1").status == "ready"
    token = csrf_token(client.get(f"/tasks/{task.id}").text)
    assert client.post(f"/tasks/{task.id}/boundary", data={**data, "csrf_token": token}).status_code == 303
    assert offers.task(task.id, viewer="rep1").status == "completed"


def test_a_report_whose_next_step_fails_says_so_and_keeps_the_task_and_its_buttons(db_url, clock, tmp_path):
    engine = with_passwords(make_engine(db_url, clock, offers_with_script(tmp_path, "failing", "2.0", FAILING)))
    try:
        deal, task = open_offer(engine)
        rep = client_for(make_app(engine), "rep1")
        failed = rep.post(f"/tasks/{task.id}/boundary", data={"kind": "error", "code": "CUSTOMER_WITHDREW",
                                                              "confirm": "yes", "name": "Customer withdrew"})
        assert failed.status_code == 303 and failed.headers["Location"] == f"/tasks/{task.id}"
        page = rep.get(failed.headers["Location"]).text
        assert ("“Customer withdrew” was not taken: the step after it failed (division by zero). The deal shows "
                "the error; its manager can retry it") in page
        assert 'id="task-event-form-Boundary_Withdrew"' in page and 'id="task-submit"' in page
        assert engine.show_opportunity(deal.id).error_message == "division by zero"
    finally:
        engine.close()
