"""The quota page (M14): the manager's split form saved as a draft (their eyes only),
the add-up warning, committing for the team, setting a quota from above, a bad
period or amount said on the page — and each as the wrong user."""

from __future__ import annotations

from tests.service.quota_seeds import with_director
from tests.webui.pages_support import client_for, with_passwords

Q = "2026-Q4"


def _org(engine):
    return with_passwords(with_director(engine))


def test_a_manager_drafts_then_commits_a_split_and_the_team_sees_it_only_then(engine, app):
    _org(engine)
    engine.set_quota("manager", Q, "100000", actor="director")
    manager = client_for(app, "manager")
    page = manager.get(f"/quotas?period={Q}")
    assert page.status_code == 200 and 'id="split-form"' in page.text and "100\u202f000.00 PLN" in page.text

    saved = manager.post("/quotas/split", data={"period": Q, "manager": "manager", "part-rep1": "40000",
                                                "part-rep2": "50000", "action": "draft"}, follow_redirects=True)
    assert "Draft saved: only you see it" in saved.text
    assert "10000.00 PLN short of manager&#39;s quota of 100000.00 PLN" in saved.text
    assert 'id="draft-status"' in saved.text and 'value="40000.00"' in saved.text

    rep = client_for(app, "rep1")
    before = rep.get(f"/quotas?period={Q}")
    assert 'id="not-committed"' in before.text and "40\u202f000.00" not in before.text

    committed = manager.post("/quotas/split", data={"period": Q, "manager": "manager", "part-rep1": "50000",
                                                    "part-rep2": "50000", "action": "commit", "note": "even"},
                             follow_redirects=True)
    assert "Version 1 committed" in committed.text and 'id="version-1"' in committed.text
    assert 'id="split-warning"' not in committed.text
    after = rep.get(f"/quotas?period={Q}")
    assert 'id="team-quotas"' in after.text and 'id="own-quota">50\u202f000.00 PLN' in after.text


def test_mistakes_are_said_on_the_page(engine, app):
    _org(engine)
    manager = client_for(app, "manager")
    bad = manager.post("/quotas/split", data={"period": Q, "manager": "manager", "part-rep1": "lots",
                                              "action": "draft"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text and "enter an amount" in bad.text
    wrong_period = manager.get("/quotas?period=2026-Q9")
    assert wrong_period.status_code == 422 and 'id="period-error"' in wrong_period.text
    director = client_for(app, "director")
    assert 'id="set-quota-form"' in director.get(f"/quotas?period={Q}&manager=manager").text
    refused_amount = director.post("/quotas/set", data={"period": Q, "manager": "manager", "amount": "-5"})
    assert refused_amount.status_code == 422 and "amount:" in refused_amount.text
    done = director.post("/quotas/set", data={"period": Q, "manager": "manager", "amount": "7"},
                         follow_redirects=True)
    assert "manager's quota for 2026-Q4 is 7.00 PLN (version 1)" in done.text.replace("&#39;", "'")


def test_the_wrong_users_are_refused(engine, app):
    _org(engine)
    engine.split_quota("manager", Q, {"rep1": "5"}, actor="manager", commit=True)
    rep = client_for(app, "rep1")
    assert rep.post("/quotas/split", data={"period": Q, "manager": "manager", "part-rep1": "9",
                                           "action": "commit"}).status_code == 403
    assert rep.post("/quotas/set", data={"period": Q, "manager": "manager", "amount": "9"}).status_code == 403
    assert 'id="split-form"' not in rep.get(f"/quotas?period={Q}").text
    assert client_for(app, "rep3").get(f"/quotas?period={Q}&manager=manager").status_code == 404
    assert client_for(app, "manager2").get(f"/quotas?period={Q}&manager=manager").status_code == 404
    assert client_for(app, "designer").get("/quotas").status_code == 403
    assert 'id="nav-quotas"' not in client_for(app, "designer").get("/").text
