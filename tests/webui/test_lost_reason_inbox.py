"""The to-do of a deal the process lost without a reason (M13), on screen and in the
API: it is in the owner's inbox and on the deal, its form records the reason (a
note where the reason needs one), and it is nobody else's business. CSRF is off
here (see test_pages_auth.py for the tokens)."""

from __future__ import annotations

import re

from tests.service.test_lost_reason_asks import asks, lost_by_process
from tests.webui.pages_support import client_for
from tests.webui.test_api import Api, assert_error


def test_the_inbox_shows_the_to_do_and_its_form_records_the_reason(engine, app):
    lost = lost_by_process(engine, "Kiosk <Rex>")
    (ask,) = asks(engine, lost.owner)
    rep = client_for(app, lost.owner)
    inbox = rep.get("/").text
    row = re.search(rf'<tr class="task [^"]*" id="task-{ask.id}".*?</tr>', inbox, re.S).group(0)
    assert "Record why Kiosk &lt;Rex&gt; was lost" in row and "lost: say why" in row
    deal_page = rep.get(f"/opportunities/{lost.id}").text
    assert f'id="open-task-{ask.id}"' in deal_page and 'id="lost-reason-missing"' in deal_page
    form = rep.get(f"/tasks/{ask.id}").text
    assert 'name="reason_code"' in form and 'value="no_budget"' in form and 'name="reason"' in form

    bad = rep.post(f"/tasks/{ask.id}", data={"reason_code": "other", "reason": ""})
    assert bad.status_code == 422 and "needs a few words" in bad.text
    assert asks(engine, lost.owner) != []
    done = rep.post(f"/tasks/{ask.id}", data={"reason_code": "no_budget", "reason": "Frozen until spring"})
    assert done.status_code == 303
    assert f'id="task-{ask.id}"' not in rep.get("/").text
    after = engine.show_opportunity(lost.id)
    assert (after.lost_reason_code, after.lost_reason, after.lost_reason_missing) == (
        "no_budget", "Frozen until spring", False)
    assert 'id="lost-reason-missing"' not in rep.get(f"/opportunities/{lost.id}").text


def test_the_deal_pages_form_closes_the_to_do_too(engine, app):
    lost = lost_by_process(engine)
    (ask,) = asks(engine, lost.owner)
    rep = client_for(app, lost.owner)
    assert rep.post(f"/opportunities/{lost.id}/lost-reason", data={"reason_code": "price"}).status_code == 303
    assert f'id="task-{ask.id}"' not in rep.get("/").text
    assert engine.task(ask.id, viewer="admin").status == "completed"


def test_another_rep_neither_sees_nor_completes_the_to_do(engine, app):
    lost = lost_by_process(engine)
    (ask,) = asks(engine, lost.owner)
    outsider = client_for(app, "rep3")
    assert f'id="task-{ask.id}"' not in outsider.get("/").text
    assert outsider.get(f"/tasks/{ask.id}").status_code == 404
    assert outsider.post(f"/tasks/{ask.id}", data={"reason_code": "price"}).status_code == 404
    assert engine.show_opportunity(lost.id).lost_reason_missing


def test_the_api_lists_the_to_do_and_completing_it_records_the_reason(engine):
    api = Api(engine)
    lost = lost_by_process(engine)
    (ask,) = asks(engine, lost.owner)
    listed = api.get("/inbox", lost.owner).get_json()["tasks"]
    assert [(t["id"], t["kind"], t["name"]) for t in listed] == [(ask.id, "why_lost", "Record why Kiosk for Hotel Rex "
                                                                                      "was lost")]
    assert api.get("/inbox", "rep3").get_json()["tasks"] == []
    assert_error(api.post(f"/tasks/{ask.id}/complete", "rep3", {"reason_code": "price"}), 404, "not_found")
    body = assert_error(api.post(f"/tasks/{ask.id}/complete", lost.owner, {"reason_code": "other"}), 422, "invalid")
    assert body["fields"] == {"reason": "'Other' needs a few words on why the deal was lost"}
    done = api.post(f"/tasks/{ask.id}/complete", lost.owner, {"reason_code": "price"})
    assert done.status_code == 200, done.get_json()
    assert (done.get_json()["lost_reason_code"], done.get_json()["lost_reason_missing"]) == ("price", False)
    assert api.get("/inbox", lost.owner).get_json()["tasks"] == []
