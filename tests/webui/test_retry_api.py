"""POST /api/v1/opportunities/{id}/retry through Flask's test client on both databases:
the deal's manager (or a designer, an admin) runs its failed step again, on the newest
version of its methodology with upgrade; everyone else is refused and nothing changes;
every answer fits the OpenAPI document."""

from __future__ import annotations

import pytest

from tests.conftest import make_engine
from tests.engine.test_errors_and_retry import BROKEN_SCRIPT, deal_at_offer, methodology_with_script
from tests.webui.test_api import Api, assert_error
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

RETRY = "/opportunities/{opportunity_id}/retry"
RETRY_PATHS = {RETRY}


@pytest.fixture
def api(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, methodology_with_script(tmp_path, "broken", "2.0", BROKEN_SCRIPT))
    engine.create_user("designer", "designer")
    yield Api(engine)
    engine.close()


def failed_deal(engine):
    """A deal whose offer completion divided by zero: error set, the offer task still open."""
    deal = deal_at_offer(engine)
    failed = engine.complete_task(deal.open_tasks[0].id, actor=deal.owner, data={"result": "accepted"})
    assert failed.error_message == "division by zero"
    return failed


def deploy_fix(engine, tmp_path):
    engine.deploy(str(methodology_with_script(tmp_path, "fixed", "2.1", "if tier == 'gold':")), actor="admin")


def deploy_without_the_offer(engine, tmp_path):
    """A fixed version 2.1 whose offer task has another id: the failed deal's process
    stopped at Task_Offer, a node 2.1 no longer has."""
    fixed = methodology_with_script(tmp_path, "renamed", "2.1", "if tier == 'gold':")
    for path in (fixed / "bpmn" / "deal.bpmn", fixed / "stages" / "small-deal.yaml"):
        path.write_text(path.read_text("utf-8").replace("Task_Offer", "Task_Proposal"), "utf-8")
    engine.deploy(str(fixed), actor="admin")


DROPPED_NODE = ("cannot move to version 2.1 of 'small-deal': the workflow state is at nodes this methodology "
                "version does not have: Task_Offer. Retry on version 2.0, or deploy a version that keeps those "
                "steps")


def retry(api, deal_id: int, user: str | None, body=None, raw=None):
    return api.post(f"/opportunities/{deal_id}/retry", user, body, raw=raw)


def test_the_deal_shows_who_may_retry_and_a_newer_version_once_deployed(api, tmp_path):
    deal = failed_deal(api.engine)
    shown = api.get(f"/opportunities/{deal.id}", "manager").get_json()
    assert (shown["error_message"], shown["may_retry"], shown["newer_version"]) == ("division by zero", True, None)
    assert api.get(f"/opportunities/{deal.id}", deal.owner).get_json()["may_retry"] is False
    deploy_fix(api.engine, tmp_path)
    assert api.get(f"/opportunities/{deal.id}", "manager").get_json()["newer_version"] == "2.1"


def test_only_who_may_retry_is_told_of_the_newer_version(api, tmp_path):
    deal = failed_deal(api.engine)
    deploy_fix(api.engine, tmp_path)
    for user in ("manager", "designer", "admin"):  # the owner's manager, a designer, an admin
        shown = api.get(f"/opportunities/{deal.id}", user).get_json()
        assert (shown["may_retry"], shown["newer_version"]) == (True, "2.1"), user
    shown = api.get(f"/opportunities/{deal.id}", deal.owner).get_json()
    assert (shown["error_message"], shown["may_retry"], shown["newer_version"]) == ("division by zero", False, None)
    assert api.get(f"/opportunities/{deal.id}", "manager2").status_code == 404  # another team's manager


def test_a_retry_without_a_fix_answers_the_deal_with_its_new_error(api):
    deal = failed_deal(api.engine)
    again = retry(api, deal.id, "manager", {})
    assert again.status_code == 200, again.get_json()
    body = again.get_json()
    assert (body["error_message"], body["status"], body["stage_id"]) == ("division by zero", "open", "offer")
    assert [e["kind"] for e in body["events"]][-2:] == ["retried", "error"]
    assert again.headers["ETag"] == f'"{body["row_version"]}"'


def test_a_retry_with_upgrade_moves_the_deal_to_the_fix_and_on(api, tmp_path):
    deal = failed_deal(api.engine)
    deploy_fix(api.engine, tmp_path)
    done = retry(api, deal.id, "designer", {"upgrade": True})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert (body["error_message"], body["methodology_label"], body["status"]) == (None, "2.1", "won")
    assert body["newer_version"] is None
    assert_error(retry(api, deal.id, "manager", {"upgrade": True}), 409, "conflict")  # no error any more


def test_who_may_retry_and_nothing_changes_for_the_others(api, tmp_path):
    deal = failed_deal(api.engine)
    deploy_fix(api.engine, tmp_path)
    before = api.get(f"/opportunities/{deal.id}", "admin").get_json()
    assert_error(retry(api, deal.id, None), 401, "unauthorized")
    assert_error(retry(api, deal.id, deal.owner, {"upgrade": True}), 403, "forbidden")  # the rep sees, may not
    assert_error(retry(api, deal.id, "rep3", {"upgrade": True}), 404, "not_found")  # another team's rep
    assert_error(retry(api, deal.id, "manager2", {"upgrade": True}), 404, "not_found")  # another team's manager
    assert_error(retry(api, 999_999, "admin"), 404, "not_found")
    after = api.get(f"/opportunities/{deal.id}", "admin").get_json()
    assert after == before  # same error, version, events, row version


def test_bad_bodies_name_the_field(api):
    deal = failed_deal(api.engine)
    for body, fields in (({"upgrade": "yes"}, {"upgrade"}), ({"upgrade": 1}, {"upgrade"}),
                         ({"upgrade": None}, {"upgrade"}), ({"upgrade": False, "colour": 1}, {"colour"})):
        assert_error(retry(api, deal.id, "manager", body), 422, "invalid", fields)
    assert_error(retry(api, deal.id, "manager", raw="[true]"), 422, "invalid", {"body"})
    assert api.get(f"/opportunities/{deal.id}", "manager").get_json()["events"][-1]["kind"] == "error"


def test_a_retry_on_a_version_without_the_step_the_deal_stopped_at_is_a_conflict_and_changes_nothing(api, tmp_path):
    deal = failed_deal(api.engine)
    deploy_without_the_offer(api.engine, tmp_path)
    before = api.engine.show_opportunity(deal.id)
    body = assert_error(retry(api, deal.id, "manager", {"upgrade": True}), 409, "conflict")
    assert body["message"] == f"opportunity {deal.id} {DROPPED_NODE}"
    assert api.engine.show_opportunity(deal.id) == before  # still on 2.0, with its error
    assert retry(api, deal.id, "manager").get_json()["error_message"] == "division by zero"  # 2.0 still retries


def test_a_deal_closed_as_lost_meanwhile_has_nothing_to_retry(api):
    deal = failed_deal(api.engine)
    api.engine.close_as_lost(deal.id, actor="manager", reason_code="price", reason="")
    assert_error(retry(api, deal.id, "manager"), 409, "conflict")


def test_real_answers_fit_the_documented_schemas(api, tmp_path):
    document = api.client.get(f"{PREFIX}/openapi.json").get_json()
    check = Checker(document)
    deal = failed_deal(api.engine)
    check(retry(api, deal.id, None), "POST", RETRY, 401)
    check(retry(api, deal.id, deal.owner), "POST", RETRY, 403)
    check(retry(api, deal.id, "manager2"), "POST", RETRY, 404)
    check(retry(api, deal.id, "manager", {"upgrade": "no"}), "POST", RETRY, 422)
    check(retry(api, deal.id, "manager", {"upgrade": True}), "POST", RETRY, 409)  # nothing newer deployed
    assert check(retry(api, deal.id, "manager"), "POST", RETRY, 200)["error_message"] == "division by zero"
    deploy_fix(api.engine, tmp_path)
    assert check(retry(api, deal.id, "admin", {"upgrade": True}), "POST", RETRY, 200)["error_message"] is None
    check(retry(api, deal.id, "admin"), "POST", RETRY, 409)  # no error to retry
    assert every_status(document, RETRY_PATHS) - check.checked == set()
