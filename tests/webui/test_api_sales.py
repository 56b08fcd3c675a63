"""The Sales Assistant's JSON routes: the panel, answering a questionnaire, the
probability override, and a refused stage exit — each answer checked against the
OpenAPI document, every route also as the wrong user."""

from __future__ import annotations


import pytest

from tests.conftest import make_engine
from tests.engine.test_sales_assistant import guided_methodology
from tests.webui.test_api import Api, assert_error
from tests.webui.test_api_openapi import PREFIX, Checker, every_status

SALES_PATHS = {"/opportunities/{opportunity_id}/sales-assistant",
               "/opportunities/{opportunity_id}/questionnaires/{questionnaire_id}",
               "/opportunities/{opportunity_id}/probability", "/opportunities/{opportunity_id}/lose"}


class SalesApi(Api):
    """The API client (put and delete are Api's own now)."""


@pytest.fixture
def api(db_url, clock, tmp_path):
    engine = make_engine(db_url, clock, guided_methodology(tmp_path))
    yield SalesApi(engine)
    engine.close()


def test_every_sales_route_answers_as_documented_also_to_the_wrong_user(api):
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    deal = api.open_deal()
    panel_path, answer_path = "/opportunities/{opportunity_id}/sales-assistant", \
        "/opportunities/{opportunity_id}/questionnaires/{questionnaire_id}"
    probability_path = "/opportunities/{opportunity_id}/probability"
    base = f"/opportunities/{deal['id']}"

    panel = check(api.get(f"{base}/sales-assistant", "rep1"), "GET", panel_path, 200)
    assert [c["met"] for c in panel["checklist"]] == [False, True, False, False]
    check(api.get(f"{base}/sales-assistant", "rep3"), "GET", panel_path, 404)
    check(api.get(f"{base}/sales-assistant", None), "GET", panel_path, 401)

    answered = check(api.post(f"{base}/questionnaires/qualification", "rep1",
                              {"answers": {"budget": "yes", "timeline": "later"}}), "POST", answer_path, 200)
    assert (answered["score"], answered["score_class"], answered["probability"]) == (80, "A", 40)
    bad = check(api.post(f"{base}/questionnaires/qualification", "rep1", {"answers": {"budget": "perhaps"}}),
                "POST", answer_path, 422)
    assert set(bad["fields"]) == {"budget"}
    check(api.post(f"{base}/questionnaires/qualification", "rep3", {"answers": {"budget": "yes"}}),
          "POST", answer_path, 404)
    check(api.post(f"{base}/questionnaires/qualification", None, {}), "POST", answer_path, 401)
    panel = check(api.get(f"{base}/sales-assistant", "rep1"), "GET", panel_path, 200)
    explained = panel["questionnaires"][0]["score"]
    assert [(q["id"], q["contribution"], q["possible"]) for q in explained["questions"]] == [
        ("budget", "75.0", "75.0"), ("timeline", "5.0", "25.0")]

    check(api.put(f"{base}/probability", "rep1", {"probability": 90}), "PUT", probability_path, 403)
    check(api.put(f"{base}/probability", "rep3", {"probability": 90}), "PUT", probability_path, 404)
    check(api.put(f"{base}/probability", None, {"probability": 90}), "PUT", probability_path, 401)
    check(api.put(f"{base}/probability", "manager", {"probability": 150}), "PUT", probability_path, 422)
    check(api.delete(f"{base}/probability", "manager"), "DELETE", probability_path, 409)  # nothing to reset
    overridden = check(api.put(f"{base}/probability", "manager", {"probability": 70, "reason": "LOI signed"}),
                       "PUT", probability_path, 200)
    assert (overridden["probability"], overridden["probability_auto"], overridden["probability_override"]) == (
        70, 40, 70)
    check(api.delete(f"{base}/probability", "rep1"), "DELETE", probability_path, 403)
    check(api.delete(f"{base}/probability", "rep3"), "DELETE", probability_path, 404)
    check(api.delete(f"{base}/probability", None), "DELETE", probability_path, 401)
    reset = check(api.delete(f"{base}/probability", "manager"), "DELETE", probability_path, 200)
    assert (reset["probability"], reset["probability_override"]) == (40, None)

    check(api.post(f"{base}/questionnaires/nope", "rep1", {"answers": {"a": "b"}}), "POST", answer_path, 404)
    # The two 409s need a closed deal, closing is the last test's: these are checked there.
    lose_path = "/opportunities/{opportunity_id}/lose"
    assert every_status(check.document, SALES_PATHS - {lose_path}) - check.checked == {
        ("POST", answer_path, "409"), ("PUT", probability_path, "409")}


def test_a_refused_stage_exit_is_409_with_a_message_per_missing_criterion_and_changes_nothing(api):
    deal = api.open_deal()
    qualify = next(t for t in deal["open_tasks"] if t["node_id"] == "Task_Qualify")
    call = next(t for t in deal["open_tasks"] if t["kind"] == "activity" and t["required"])
    assert call["node_id"] == "qualification/call_prospect" and call["form"][0]["id"] == "note"
    body = assert_error(api.post(f"/tasks/{qualify['id']}/complete", "rep1", {"amount": 5}), 409,
                        "exit_criteria_not_met", {"call_prospect", "qualification", "economic_buyer"})
    assert body["fields"]["economic_buyer"] == "someone in the buying center is the economic buyer"
    assert body["message"].startswith("the opportunity cannot leave stage 'Kwalifikacja' yet")
    after = api.get(f"/opportunities/{deal['id']}", "rep1").get_json()
    assert after["stage_id"] == "qualification" and after["events"] == deal["events"]


def test_answering_or_overriding_a_closed_deal_is_409(api):
    deal = api.open_deal()
    engine = api.engine
    engine.complete_activity(next(t["id"] for t in deal["open_tasks"] if t["required"]), actor="rep1")
    engine.answer_questionnaire(deal["id"], "qualification", {"budget": "no", "timeline": "later"}, actor="rep1")
    engine.add_contact(deal["id"], actor="rep1", name="Ewa", role="economic_buyer")
    moved = engine.complete_task(next(t["id"] for t in deal["open_tasks"] if t["node_id"] == "Task_Qualify"),
                                 actor="rep1", data={"amount": "5"})
    engine.complete_task(next(t.id for t in moved.open_tasks if t.node_id == "Task_Offer"), actor="rep1",
                         data={"result": "rejected"})
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    base = f"/opportunities/{deal['id']}"
    check(api.post(f"{base}/questionnaires/qualification", "rep1", {"answers": {"budget": "yes"}}),
          "POST", "/opportunities/{opportunity_id}/questionnaires/{questionnaire_id}", 409)
    check(api.put(f"{base}/probability", "manager", {"probability": 50}),
          "PUT", "/opportunities/{opportunity_id}/probability", 409)


def test_closing_a_deal_as_lost_through_the_api(api):
    deal = api.open_deal()
    check = Checker(api.client.get(f"{PREFIX}/openapi.json").get_json())
    path, lose = "/opportunities/{opportunity_id}/lose", f"/opportunities/{deal['id']}/lose"
    check(api.post(lose, None, {"reason": "x"}), "POST", path, 401)
    check(api.post(lose, "rep3", {"reason": "x"}), "POST", path, 404)
    check(api.post(lose, "rep1", {"reason": ""}), "POST", path, 422)
    activity = next(t for t in deal["open_tasks"] if t["kind"] == "activity" and t["lane"] == "manager")
    api.engine.reassign_task(activity["id"], to="rep2", actor="manager")  # rep2 now sees the deal
    check(api.post(lose, "rep2", {"reason": "x"}), "POST", path, 403)
    closed = check(api.post(lose, "rep1", {"reason": "Went with a competitor"}), "POST", path, 200)
    assert (closed["status"], closed["lost_reason"], closed["open_tasks"]) == ("lost", "Went with a competitor", [])
    check(api.post(lose, "rep1", {"reason": "again"}), "POST", path, 409)
    assert every_status(check.document, {path}) - check.checked == set()
