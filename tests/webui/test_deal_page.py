"""The deal page of issue 15 through the Flask test client on SQLite and PostgreSQL: the
sticky header and its actions, the tabs (as sections with anchor links without
JavaScript), the captured form data as labelled fields, the readable history, the
deployed BPMN for the diagram viewer (every new address also as the wrong user and
logged out), and the error summary after a refused post on the deal's edit form, the
partner pages and the segment swap. (Chromium: tests/browser/test_deal_page_in_chromium.py.)"""

from __future__ import annotations

import re

import pytest

from tests.webui.pages_support import TITLE, assert_nothing_leaks, client_for, open_deal
from webui import vendor


def _walked(engine):
    deal = open_deal(engine)
    engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": "5", "interested": "false"})
    return deal


def test_the_header_shows_where_the_deal_stands_and_its_main_actions(app, engine):
    deal = _walked(engine)
    page = client_for(app, "manager").get(f"/opportunities/{deal.id}").text
    header = page.split('id="deal-header"')[1].split("</header>")[0]
    for text in ('id="deal-title"', 'id="deal-stage"', 'id="deal-probability"', 'id="deal-amount">1\u202f000.00 PLN<',
                 'id="deal-owner"', 'id="deal-next-action"', 'id="complete-next-task"', 'id="edit-deal"',
                 'href="#reassign-deal"', 'href="#lose-form"'):
        assert text in header, text
    open_task = engine.opportunity_for(deal.id, viewer="manager").open_tasks[0]
    assert f'href="/tasks/{open_task.id}"' in header
    rep = client_for(app, "rep1").get(f"/opportunities/{deal.id}").text.split("</header>")[0]
    assert 'href="#reassign-deal"' not in rep  # only a manager hands deals over


def test_the_breadcrumb_names_the_deal_and_the_methodology_shows_by_name_and_version(app, engine):
    deal = open_deal(engine)
    page = client_for(app, "rep1").get(f"/opportunities/{deal.id}").text
    crumbs = page.split('id="deal-crumbs"')[1].split("</p>")[0]
    assert f'aria-current="page">{TITLE}</span>' in crumbs and "Opportunity #" not in crumbs
    shown = page.split('id="deal-methodology"')[1].split("</dd>")[0]
    assert shown == ' title="small-deal">Small deal 1.0'  # the name and version; the id only as a tooltip


def test_the_tabs_are_sections_with_links_to_them_until_a_script_makes_them_tabs(app, engine):
    deal = _walked(engine)
    page = client_for(app, "rep1").get(f"/opportunities/{deal.id}").text
    nav = page.split('id="deal-tabs"')[1].split("</nav>")[0]
    keys = re.findall(r'href="#(panel-[a-z]+)"', nav)
    assert keys == ["panel-overview", "panel-tasks", "panel-buying", "panel-questionnaires", "panel-history"]
    assert all(f'id="{key}"' in page for key in keys)
    assert "deal_page.js" in page and "<script>" not in page  # CSP: no inline script
    assert " hidden" not in page.split('id="panel-tasks"')[0].split("<section")[-1]  # shown without JavaScript


def test_the_captured_data_shows_the_forms_labels_and_readable_values(app, engine):
    deal = _walked(engine)
    page = client_for(app, "rep1").get(f"/opportunities/{deal.id}").text
    captured = page.split('id="captured-data"')[1].split('</section>\n</section>')[0]
    assert "Qualify the lead" in captured
    assert re.search(r"<dt>Amount</dt><dd>5</dd>", captured)
    assert re.search(r"<dt>Interested\?</dt><dd>No</dd>", captured)


def test_the_history_reads_as_sentences_with_names_not_ids(app, engine):
    deal = _walked(engine)
    engine.reassign_opportunity(deal.id, to="rep2", actor="manager")
    page = client_for(app, "manager").get(f"/opportunities/{deal.id}").text
    log = page.split('id="history-log"')[1].split("</ol>")[0]
    assert "Handed over" in log and "Opened the deal" in log and "Completed a task: “Qualify the lead”" in log
    assert "None" not in log and "from_stage" not in log and "Task_Qualify" not in log


def test_the_deployed_bpmn_is_served_to_whoever_may_see_the_deal(app, engine):
    deal = _walked(engine)
    answer = client_for(app, "rep1").get(f"/opportunities/{deal.id}/process.bpmn")
    assert answer.status_code == 200 and answer.mimetype == "application/xml"
    assert 'id="Task_Qualify"' in answer.text
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert client_for(app, "admin").get(f"/opportunities/{deal.id}/process.bpmn").status_code == 200


@pytest.mark.parametrize("viewer", ["rep3", "manager2"])
def test_the_bpmn_of_a_deal_you_may_not_see_is_not_found(app, engine, viewer):
    deal = _walked(engine)
    answer = client_for(app, viewer).get(f"/opportunities/{deal.id}/process.bpmn")
    assert answer.status_code == 404
    assert_nothing_leaks(answer, "Task_Qualify")
    assert client_for(app, "rep1").get("/opportunities/999999/process.bpmn").status_code == 404


def test_the_bpmn_asks_a_visitor_to_log_in(app, engine):
    deal = _walked(engine)
    answer = app.test_client().get(f"/opportunities/{deal.id}/process.bpmn")
    assert answer.status_code == 302 and "/login" in answer.location


def test_the_page_loads_the_diagram_viewer_from_the_sites_own_node_modules(app, engine):
    deal = _walked(engine)
    page = client_for(app, "rep1").get(f"/opportunities/{deal.id}").text
    with app.app_context():
        assert vendor.bpmn_ready(), "npm ci installs bpmn-js (package.json)"
    assert f'src="/static/vendor/{vendor.BPMN_VIEWER}"' in page
    assert f'data-src="/opportunities/{deal.id}/process.bpmn"' in page
    assert re.search(r'data-current="Task_[A-Za-z]+"', page) and 'data-done="Task_Qualify"' in page
    assert 'id="diagram-fallback"' in page  # the server's drawing, for a browser without the viewer
    client = client_for(app, "rep1")
    for name, mimetype in ((vendor.BPMN_VIEWER, "text/javascript"), *((s, "text/css") for s in vendor.BPMN_STYLES)):
        with client.get(f"/static/vendor/{name}") as answer:  # a file's response: closed when read
            assert answer.status_code == 200 and answer.mimetype == mimetype, name
            assert len(answer.get_data()) > 1000
    assert client.get("/static/vendor/bpmn-js/package.json").status_code == 404  # only what the page loads


def _summary(body: str) -> str:
    assert 'id="error-summary"' in body
    return body.split('id="error-summary"')[1].split("</section>")[0]


def test_a_refused_deal_edit_starts_with_the_error_summary_and_the_pages_address(app, engine):
    deal = open_deal(engine)
    refused = client_for(app, "rep1").post(f"/deals/{deal.id}/edit", data={
        "title": "Cold room", "partner": deal.partner_name, "amount": "a lot", "currency": "PLN",
        "expected_close_date": "", "row_version": "0"})
    assert refused.status_code == 422
    summary = _summary(refused.text)
    assert 'href="#deal-edit-form"' in summary and "amount: " in summary
    assert f'data-page-url="/deals/{deal.id}/edit"' in summary
    assert refused.text.index('id="error-summary"') < refused.text.index('id="deal-edit-form"')


def test_a_refused_post_on_a_partner_page_starts_with_the_error_summary(app, engine):
    deal = open_deal(engine)
    manager = client_for(app, "manager")
    refused = manager.post(f"/partners/{deal.partner_id}/contacts", data={"name": "  "})
    assert refused.status_code == 422
    summary = _summary(refused.text)
    assert 'href="#add-contact-form"' in summary and "name: " in summary
    assert f'data-page-url="/partners/{deal.partner_id}"' in summary
    opened = manager.get(f"/partners/{deal.partner_id}/contacts")  # the form's address, reloaded
    assert (opened.status_code, opened.location) == (303, f"/partners/{deal.partner_id}#contacts")
    wrong = client_for(app, "rep3").get(f"/partners/{deal.partner_id}/contacts")
    assert wrong.status_code == 404
    assert_nothing_leaks(wrong)


def test_a_refused_new_partner_starts_the_list_with_the_error_summary(app, engine):
    refused = client_for(app, "manager").post("/partners", data={"name": "", "kind": "customer"})
    assert refused.status_code == 422
    summary = _summary(refused.text)
    assert 'href="#new-partner"' in summary and 'data-page-url="/partners"' in summary


def test_a_refused_swap_preview_starts_with_the_error_summary_and_the_pages_address(app, engine):
    manager = client_for(app, "manager")
    segment = engine.list_segments(viewer="manager")[0]
    refused = manager.post("/segments/preview", data={"segment": segment.id, "methodology": "no-such-methodology"})
    assert refused.status_code == 400
    summary = _summary(refused.text)
    assert 'href="#swap-map-form"' in summary
    assert f'data-page-url="/segments?segment={segment.id}&amp;methodology=no-such-methodology"' in summary
    for address in ("/segments/preview", "/segments/swap"):
        opened = manager.get(f"{address}?segment={segment.id}")
        assert (opened.status_code, opened.location) == (303, f"/segments?segment={segment.id}")
    assert client_for(app, "rep1").get("/segments/preview").status_code == 403
