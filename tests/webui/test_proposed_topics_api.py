"""From a Camunda 7 file to a worker, on both databases: ``dealflow import-bpmn``
proposes a topic for each delegate, class, expression and connector, the designer
keeps the proposals and deploys, and a worker holding a token for those topics
fetches and completes every task through the REST API until the deal is won."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_engine
from tests.methodology.test_topic_proposals import LEGACY
from tests.webui.test_api import Api
from tests.webui.test_api_openapi import PREFIX

TOPICS = ["send-mail", "logger", "flag-for-the-erp", "nothing-to-do", "http-connector"]


@pytest.fixture
def imported(db_url, clock, run_cli, tmp_path):
    into = tmp_path / "methodologies"
    assert run_cli("import-bpmn", str(LEGACY), "--into", str(into)).output.endswith("OK\n")
    engine = make_engine(db_url, clock, into)
    yield Api(engine)
    engine.close()


def test_a_worker_fetches_and_completes_the_proposed_topics_over_the_api_until_the_deal_is_won(imported):
    api = imported
    token = api.engine.create_worker_token("legacy", TOPICS, actor="admin")
    headers = {"Authorization": f"Bearer {token}"}

    def post(path: str, body: dict):
        return api.client.post(PREFIX + path, headers=headers, data=json.dumps(body), content_type="application/json")

    deal = api.engine.create_opportunity(title="Order", amount="100.00", partner="ACME", actor="manager")
    done = []
    for _ in range(len(TOPICS) + 2):
        fetched = post("/external-tasks/fetch-and-lock", {
            "workerId": "w1", "maxTasks": 5, "topics": [{"topicName": t, "lockDuration": 60_000} for t in TOPICS]})
        assert fetched.status_code == 200, fetched.get_data(as_text=True)
        tasks = fetched.get_json()
        if not tasks:
            break
        [task] = tasks  # one task at a time: the process is a sequence
        assert task["opportunityId"] == deal.id
        completed = post(f"/external-tasks/{task['id']}/complete", {"workerId": "w1", "variables": {}})
        assert completed.status_code == 204, completed.get_data(as_text=True)
        done.append((task["activityId"], task["topicName"]))
    assert done == [("Task_Confirm", "send-mail"), ("Task_Log", "logger"), ("Task_Flag", "flag-for-the-erp"),
                    ("Task_Noop", "nothing-to-do"), ("Task_Post", "http-connector"), ("Task_Log_Again", "logger")]
    shown = api.engine.show_opportunity(deal.id)
    assert (shown.status, shown.stage_id) == ("won", "won")
