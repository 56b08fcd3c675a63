"""The deal page shows its incidents (external tasks out of retries) to whoever sees
the deal; designers and admins retry one from there, others may not (CSRF off here)."""

from __future__ import annotations

import pytest

from tests.conftest import make_engine
from tests.service.test_external_tasks import ERP
from tests.webui.pages_support import client_for, make_app, with_passwords


@pytest.fixture
def engine(db_url, clock):
    engine = with_passwords(make_engine(db_url, clock, ERP))
    yield engine
    engine.close()


def incident_on_a_deal(engine):
    deal = engine.create_opportunity(title="Order", amount="1000.00", partner="Order Ltd", actor="manager",
                                     owner="rep1")
    worker = engine.worker_for_token(engine.create_worker_token("erp", ["invoice"], actor="admin"))
    [task] = engine.fetch_and_lock(worker, "w1", 1, [("invoice", 60_000)])
    engine.fail_external_task(worker, task.id, "w1", "ERP unreachable", retries=0)
    return deal, task


def test_the_deal_page_shows_the_incident_and_an_admin_retries_it(engine):
    deal, task = incident_on_a_deal(engine)
    app = make_app(engine)
    rep = client_for(app, "rep1").get(f"/opportunities/{deal.id}")
    assert 'id="deal-incidents"' in rep.text and "ERP unreachable" in rep.text and "Retry</button>" not in rep.text
    admin = client_for(app, "admin")
    assert "Retry</button>" in admin.get(f"/opportunities/{deal.id}").text
    done = admin.post(f"/opportunities/{deal.id}/incidents/{task.id}/retry")
    assert done.status_code == 302
    assert 'id="deal-incidents"' not in admin.get(f"/opportunities/{deal.id}").text
    assert engine.incidents(viewer="admin") == []


def test_others_may_not_retry_an_incident(engine):
    deal, task = incident_on_a_deal(engine)
    app = make_app(engine)
    assert client_for(app, "rep1").post(f"/opportunities/{deal.id}/incidents/{task.id}/retry").status_code == 403
    assert client_for(app, "rep3").post(f"/opportunities/{deal.id}/incidents/{task.id}/retry").status_code == 404
    assert len(engine.incidents(viewer="admin")) == 1
