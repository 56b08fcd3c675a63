"""The deal page's error and its retry buttons, through Flask's test client on both
databases: the deal's manager (a designer, an admin) retries the failed step, or on
the newest version once a fix is deployed; the flash says whether it failed again;
a rep sees the error and no button, and is refused (403) with nothing changed; a
post without the CSRF token is refused."""

from __future__ import annotations

import html

import pytest

from tests.conftest import make_engine
from tests.engine.test_errors_and_retry import BROKEN_SCRIPT, methodology_with_script
from tests.webui.pages_support import client_for, csrf_token, log_in, make_app, with_passwords
from tests.webui.test_retry_api import DROPPED_NODE, deploy_fix, deploy_without_the_offer, failed_deal


@pytest.fixture
def engine(db_url, clock, tmp_path):
    engine = with_passwords(make_engine(db_url, clock, methodology_with_script(tmp_path, "broken", "2.0",
                                                                               BROKEN_SCRIPT)))
    yield engine
    engine.close()


def deal_page(client, deal_id: int) -> str:
    response = client.get(f"/opportunities/{deal_id}")
    assert response.status_code == 200
    return html.unescape(response.text)


def test_the_manager_retries_and_is_told_the_step_failed_again_then_retries_on_the_fix(engine, tmp_path):
    deal = failed_deal(engine)
    manager = client_for(make_app(engine), "manager")
    page = deal_page(manager, deal.id)
    assert 'id="deal-error"' in page and "division by zero" in page
    assert 'id="retry-step"' in page and 'id="retry-upgrade"' not in page  # nothing newer deployed

    again = manager.post(f"/opportunities/{deal.id}/retry")
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/opportunities/{deal.id}")
    page = deal_page(manager, deal.id)
    assert "The step was retried and failed again: division by zero" in page
    assert "went on" not in page and 'id="retry-step"' in page

    deploy_fix(engine, tmp_path)
    page = deal_page(manager, deal.id)
    assert "Retry on version 2.1</button>" in page
    done = manager.post(f"/opportunities/{deal.id}/retry", data={"upgrade": "1"})
    assert done.status_code == 303
    page = deal_page(manager, deal.id)
    assert "The step was retried on version 2.1 and the process went on." in page
    assert 'id="deal-error"' not in page and 'id="retry-step"' not in page
    after = engine.show_opportunity(deal.id)
    assert (after.error_message, after.methodology_label, after.status) == (None, "2.1", "won")


def test_a_retry_on_a_version_without_the_step_flashes_what_to_do(engine, tmp_path):
    deal = failed_deal(engine)
    deploy_without_the_offer(engine, tmp_path)
    manager = client_for(make_app(engine), "manager")
    response = manager.post(f"/opportunities/{deal.id}/retry", data={"upgrade": "1"}, follow_redirects=True)
    assert response.status_code == 200 and DROPPED_NODE in html.unescape(response.text)
    assert engine.show_opportunity(deal.id).methodology_label == "2.0"


def test_a_retry_with_nothing_to_retry_flashes_why(engine):
    deal = failed_deal(engine)
    engine.close_as_lost(deal.id, actor="manager", reason_code="price", reason="")
    manager = client_for(make_app(engine), "manager")
    response = manager.post(f"/opportunities/{deal.id}/retry", follow_redirects=True)
    assert "is lost; there is nothing to retry" in html.unescape(response.text)


def test_a_rep_sees_the_error_but_no_button_and_may_not_retry(engine, tmp_path):
    deal = failed_deal(engine)
    deploy_fix(engine, tmp_path)
    app = make_app(engine)
    rep = client_for(app, deal.owner)
    page = deal_page(rep, deal.id)
    assert "division by zero" in page and 'id="retry-step"' not in page and 'id="retry-upgrade"' not in page
    before = engine.show_opportunity(deal.id)
    assert rep.post(f"/opportunities/{deal.id}/retry", data={"upgrade": "1"}).status_code == 403
    assert client_for(app, "manager2").post(f"/opportunities/{deal.id}/retry").status_code == 404
    assert engine.show_opportunity(deal.id) == before


def test_a_retry_without_the_csrf_token_is_refused_and_changes_nothing(engine, tmp_path):
    deal = failed_deal(engine)
    deploy_fix(engine, tmp_path)
    client = make_app(engine, csrf=True).test_client()
    assert log_in(client, "manager", csrf=True).status_code == 302
    before = engine.show_opportunity(deal.id)
    assert client.post(f"/opportunities/{deal.id}/retry", data={"upgrade": "1"}).status_code == 400
    assert engine.show_opportunity(deal.id) == before
    token = csrf_token(client.get(f"/opportunities/{deal.id}").text)
    done = client.post(f"/opportunities/{deal.id}/retry", data={"upgrade": "1", "csrf_token": token})
    assert done.status_code == 303
    assert engine.show_opportunity(deal.id).error_message is None


def test_the_retry_address_opened_directly_leads_to_the_deal(engine):
    deal = failed_deal(engine)
    response = client_for(make_app(engine), "manager").get(f"/opportunities/{deal.id}/retry")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/opportunities/{deal.id}")


def test_only_who_may_retry_is_offered_the_fixed_version_the_others_are_told_who_can(engine, tmp_path):
    deal = failed_deal(engine)
    engine.ensure_demo_user("designer1", "designer", "Designer One")
    deploy_fix(engine, tmp_path)
    app = make_app(engine)
    for user in ("manager", "designer1", "admin"):  # the owner's manager, a designer, an admin
        page = deal_page(client_for(app, user), deal.id)
        assert "Retry on version 2.1</button>" in page and 'id="deal-error-who"' not in page, user
    rep = deal_page(client_for(app, deal.owner), deal.id)
    assert "division by zero" in rep and "2.1" not in rep and 'id="retry-step"' not in rep
    assert "The deal's manager (manager), a designer or an admin can retry the step." in rep
    assert client_for(app, "manager2").get(f"/opportunities/{deal.id}").status_code == 404  # another team's
