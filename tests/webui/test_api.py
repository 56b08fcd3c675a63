"""The JSON API under /api/v1 through Flask's test client, on the real engine and both
databases: every route's success, and every error with its JSON shape."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import make_engine, queue_methodology
from webui import create_app
from webui.api.inbox import inbox_json

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$")


class Api:
    """A test client that sends the bearer token of the user it is asked to act as."""

    def __init__(self, engine):
        self.engine = engine
        self.client = create_app({"TESTING": True, "SECRET_KEY": "x", "ENGINE": engine}).test_client()
        self._tokens: dict[str, str] = {}

    def headers(self, user: str | None) -> dict:
        if user is None:
            return {}
        if user not in self._tokens:
            self._tokens[user] = self.engine.create_token(user)
        return {"Authorization": f"Bearer {self._tokens[user]}"}

    def get(self, path: str, user: str | None, **kwargs):
        return self.client.get("/api/v1" + path, headers=self.headers(user), **kwargs)

    def post(self, path: str, user: str | None, body=None, *, raw: str | bytes | None = None):
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        return self.client.post("/api/v1" + path, headers=self.headers(user), data=data,
                                content_type="application/json")

    def put(self, path: str, user: str | None, body=None):
        return self.client.put("/api/v1" + path, headers=self.headers(user),
                               data=json.dumps(body) if body is not None else None, content_type="application/json")

    def delete(self, path: str, user: str | None):
        return self.client.delete("/api/v1" + path, headers=self.headers(user))

    def open_deal(self, amount="1000.00", **attributes):
        response = self.post("/opportunities", "manager", {
            "title": "Deal", "amount": amount, "partner": "P", "attributes": {"channel": "retail", **attributes}})
        assert response.status_code == 201, response.get_json()
        return response.get_json()


@pytest.fixture
def api(db_url, clock):
    engine = make_engine(db_url, clock)
    yield Api(engine)
    engine.close()


@pytest.fixture
def queue_api(db_url, clock, tmp_path):
    """The base methodology with the manager lane going to the team's queue."""
    engine = make_engine(db_url, clock, queue_methodology(tmp_path))
    yield Api(engine)
    engine.close()


def assert_error(response, status: int, code: str, fields: set[str] | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error", "message", "fields"} and body["error"] == code and body["message"]
    if fields is not None:
        assert set(body["fields"]) == fields
    return body


# --- the inbox -------------------------------------------------------------------------

def test_the_inbox_lists_the_callers_tasks_earliest_due_first_with_counts_and_paging(api, clock):
    first = api.open_deal()           # rep1 (round robin)
    api.open_deal()                   # rep2
    clock.advance(hours=1)
    third = api.open_deal()           # rep1
    body = api.get("/inbox", "rep1").get_json()
    assert [t["opportunity_id"] for t in body["tasks"]] == [first["id"], third["id"]]
    assert body["counts"] == {"total": 2, "mine": 2, "queued": 0, "team": 0, "overdue": 0}
    assert body["filters"] == {"stages": [{"id": "qualification", "name": "Kwalifikacja"}],
                               "methodologies": ["small-deal"], "queues": ["horeca", "sales"]}
    assert body["query"] == {}
    task = body["tasks"][0]
    assert task["assignee"] == "rep1" and [f["id"] for f in task["form"]] == ["amount", "interested"]
    assert ISO_UTC.match(task["due_at"]) and task["due_at"].startswith("2026-11-04T09:00:00")
    paged = api.get("/inbox?per_page=1&page=2", "rep1").get_json()
    assert paged["paging"] == {"page": 2, "per_page": 1, "pages": 2, "total": 2}
    assert [t["opportunity_id"] for t in paged["tasks"]] == [third["id"]]
    assert paged["query"] == {"page": "2", "per_page": "1"}


def test_the_inbox_answer_is_what_jsonify_gives_and_tasks_at_one_step_share_one_form(api):
    for _ in range(3):
        api.open_deal()  # rep1, rep2, rep1: the same first step, the same form
    response = api.get("/inbox", "rep1")
    assert response.status_code == 200 and response.mimetype == "application/json"
    app = api.client.application
    with app.app_context():
        document = inbox_json(api.engine.inbox("rep1", {}, saved_filters=False))
        expected = app.json.response(document).get_data()
    assert response.get_data() == expected
    forms = [task["form"] for task in document["tasks"]]
    assert len(forms) >= 2 and forms[0] and all(form is forms[0] for form in forms)


def test_the_inbox_filters_by_stage_and_methodology(api):
    deals = [api.open_deal() for _ in range(3)]
    api.post(f"/tasks/{deals[0]['open_tasks'][0]['id']}/complete", "rep1", {"amount": 5})
    offers = api.get("/inbox?stage=offer", "manager").get_json()
    assert [t["node_id"] for t in offers["tasks"]] == ["Task_Offer"]
    assert api.get("/inbox?methodology=small-deal", "manager").get_json()["counts"]["total"] == 3
    assert api.get("/inbox?methodology=other", "manager").get_json()["tasks"] == []


def test_bad_inbox_parameters_are_400_with_a_message_per_parameter(api):
    response = api.get("/inbox?page=0&per_page=500&stag=offer", "rep1")
    body = assert_error(response, 400, "bad_request", {"page", "per_page", "stag"})
    assert body["fields"]["per_page"] == "a whole number from 1 to 200"
    assert_error(api.get("/inbox?page=two", "rep1"), 400, "bad_request", {"page"})


# --- opportunities -----------------------------------------------------------------------

def test_a_manager_opens_an_opportunity_and_its_amounts_stay_exact_through_its_tasks(api):
    response = api.post("/opportunities", "manager", raw='{"title": "Cents", "amount": 0.10, "partner": "P", '
                                                         '"attributes": {"channel": "retail"}}')
    assert response.status_code == 201
    deal = response.get_json()
    assert response.headers["Location"] == f"/api/v1/opportunities/{deal['id']}"
    assert (deal["amount"], deal["expected_revenue"], deal["probability"]) == ("0.10", "0.02", 20)
    assert (deal["owner"], deal["manager"], deal["opened_by"], deal["stage_id"]) == \
        ("rep1", "manager", "manager", "qualification")
    assert ISO_UTC.match(deal["opened_at"])
    task = deal["open_tasks"][0]
    after = api.post(f"/tasks/{task['id']}/complete", "rep1", {"amount": 5, "interested": True}).get_json()
    assert (after["amount"], after["expected_revenue"], after["stage_id"]) == ("0.10", "0.05", "offer")
    assert api.get(f"/opportunities/{deal['id']}", "rep1").get_json()["expected_revenue"] == "0.05"


@pytest.mark.parametrize("amount, shown", [("12500.00", "12500.00"), (12500, "12500.00"), ("0.1", "0.10"),
                                           ("1234567.89", "1234567.89")])
def test_an_amount_may_be_a_string_or_a_number_and_comes_back_as_an_exact_string(api, amount, shown):
    assert api.open_deal(amount=amount)["amount"] == shown


@pytest.mark.parametrize("number", ["0.29", "1234567.89", "99999999999999.99"])
def test_a_json_number_is_read_as_a_decimal_never_as_a_float(api, number):
    # float("99999999999999.99") is 99999999999999.984375: a float would lose the cents.
    response = api.post("/opportunities", "manager", raw=f'{{"title": "T", "amount": {number}, "partner": "P"}}')
    assert response.get_json()["amount"] == number


def test_a_rep_may_not_open_an_opportunity_whatever_the_values(api):
    response = api.post("/opportunities", "rep1", {"title": "Mine", "amount": "10", "partner": "P"})
    assert "only managers and admins" in assert_error(response, 403, "forbidden", set())["message"]
    for body in ({}, {"title": " ", "amount": "1e400", "currency": "pln"},
                 {"title": "T", "amount": "1", "partner": "P", "owner": "nobody"}):
        assert_error(api.post("/opportunities", "rep1", body), 403, "forbidden", set())
    assert api.engine.list_opportunities() == []


def test_invalid_opportunity_data_is_422_with_a_message_per_field(api):
    response = api.post("/opportunities", "manager", {
        "title": " ", "amount": "1.005", "currency": "pln", "attributes": ["x"], "owner": 7})
    body = assert_error(response, 422, "invalid", {"title", "partner", "amount", "currency", "attributes", "owner"})
    assert body["fields"] == {"title": "this field is required", "partner": "this field is required",
                              "amount": "enter at most two decimal places",
                              "currency": "enter a three-letter currency code such as PLN",
                              "attributes": "send an object of names and values", "owner": "enter text"}
    # A name the API does not know is refused before anything is checked.
    response = api.post("/opportunities", "manager", {"title": " ", "amount": "1", "partner": "P", "colour": "red"})
    assert assert_error(response, 422, "invalid", {"colour"})["fields"]["colour"].startswith("unknown field")
    for amount, message in ((-1, "enter an amount of 0 or more"), ("ten", "enter an amount such as"),
                            (True, "enter an amount such as"), ({"v": 1}, "enter an amount such as"),
                            ("1e20", "enter an amount below"), ("1e400", "enter an amount below"),
                            (10 ** 400, "enter an amount below")):
        response = api.post("/opportunities", "manager", {"title": "T", "amount": amount, "partner": "P"})
        assert assert_error(response, 422, "invalid", {"amount"})["fields"]["amount"].startswith(message)
    response = api.post("/opportunities", "manager", {"title": "T\x00", "amount": "1", "partner": "P"})
    assert assert_error(response, 422, "invalid", {"title"})["fields"]["title"].startswith("remove the NUL")
    response = api.post("/opportunities", "manager", {"title": "T", "amount": "1", "partner": "P", "owner": "nobody"})
    assert assert_error(response, 422, "invalid", {"owner"})["fields"]["owner"] == "no such user"
    assert api.engine.list_opportunities() == []


@pytest.mark.parametrize("raw, message", [('{"title": ', "Expecting value"), ("[1, 2]", "send a JSON object"),
                                          ('{"amount": NaN}', "NaN is not a number"), (b"\xff", "")])
def test_a_malformed_body_is_422_about_the_body(api, raw, message):
    body = assert_error(api.post("/opportunities", "manager", raw=raw), 422, "invalid", {"body"})
    assert message in body["fields"]["body"]


def test_a_rep_sees_their_own_deal_and_not_another_reps(api):
    deal = api.open_deal()  # rep1's
    shown = api.get(f"/opportunities/{deal['id']}", "rep1").get_json()
    assert (shown["id"], shown["title"], len(shown["events"])) == (deal["id"], "Deal", 3)
    for outsider in ("rep3", "manager2"):
        response = api.get(f"/opportunities/{deal['id']}", outsider)
        body = assert_error(response, 404, "not_found", set())
        assert "Deal" not in response.get_data(as_text=True) and "rep1" not in body["message"]
    assert_error(api.get("/opportunities/999", "admin"), 404, "not_found")


# --- tasks ------------------------------------------------------------------------------

def test_completing_a_task_moves_the_deal_and_completing_it_again_is_409(api):
    deal = api.open_deal()
    task_id = deal["open_tasks"][0]["id"]
    response = api.post(f"/tasks/{task_id}/complete", "rep1", {"amount": "5"})
    assert response.status_code == 200
    after = response.get_json()
    assert (after["stage_id"], after["probability"]) == ("offer", 50)
    assert [t["node_id"] for t in after["open_tasks"]] == ["Task_Offer"]
    assert after["completed_tasks"][0]["completed_by"] == "rep1"
    body = assert_error(api.post(f"/tasks/{task_id}/complete", "rep1", {"amount": "5"}), 409, "conflict", set())
    assert "no longer ready" in body["message"]


def test_form_errors_are_422_with_a_message_per_field_and_nothing_changes(api):
    deal = api.open_deal()
    task_id = deal["open_tasks"][0]["id"]
    response = api.post(f"/tasks/{task_id}/complete", "rep1", {"amount": "abc", "interested": "maybe", "x": 1})
    body = assert_error(response, 422, "invalid", {"amount", "interested", "x"})
    assert body["fields"]["amount"] == "enter a whole number"
    assert assert_error(api.post(f"/tasks/{task_id}/complete", "rep1", {"amount": -1}), 422,
                        "invalid")["fields"] == {"amount": "enter 0 or more"}
    assert assert_error(api.post(f"/tasks/{task_id}/complete", "rep1"), 422,
                        "invalid")["fields"] == {"amount": "this field is required"}
    assert_error(api.post(f"/tasks/{task_id}/complete", "rep1", raw="{oops"), 422, "invalid", {"body"})
    assert api.get(f"/opportunities/{deal['id']}", "rep1").get_json()["stage_id"] == "qualification"


def test_another_reps_task_is_404_whether_it_is_ready_or_completed(api):
    deal = api.open_deal()  # rep1's
    task_id = deal["open_tasks"][0]["id"]
    for path in (f"/tasks/{task_id}/complete", f"/tasks/{task_id}/claim"):
        response = api.post(path, "rep3", {"amount": 5})
        assert_error(response, 404, "not_found", set())
        assert "Deal" not in response.get_data(as_text=True)
    api.post(f"/tasks/{task_id}/complete", "rep1", {"amount": 5})
    assert_error(api.post(f"/tasks/{task_id}/complete", "rep3", {"amount": 5}), 404, "not_found")
    assert_error(api.post("/tasks/no-such-task/complete", "rep1", {}), 404, "not_found")


MINIMAL = {"Prefer": "return=minimal"}


def complete_minimal(api, task_id: str, user: str, body: dict, prefer: str = "return=minimal"):
    return api.client.post(f"/api/v1/tasks/{task_id}/complete", data=json.dumps(body),
                           content_type="application/json", headers={**api.headers(user), "Prefer": prefer})


@pytest.mark.parametrize("prefer", ["return=minimal", "respond-async, RETURN = \"minimal\"; x=1",
                                    "wait=5,return=minimal"])
def test_prefer_return_minimal_completes_the_task_and_answers_204_without_the_deal(api, prefer):
    deal = api.open_deal()
    task_id = deal["open_tasks"][0]["id"]
    response = complete_minimal(api, task_id, "rep1", {"amount": "5"}, prefer)
    assert (response.status_code, response.data) == (204, b"")
    assert response.headers["Preference-Applied"] == "return=minimal"
    after = api.get(f"/opportunities/{deal['id']}", "rep1").get_json()  # what was committed
    assert (after["stage_id"], [t["node_id"] for t in after["open_tasks"]]) == ("offer", ["Task_Offer"])
    assert after["completed_tasks"][0]["completed_by"] == "rep1"


@pytest.mark.parametrize("prefer", ["return=representation", "return=minimalist", "minimal", ""])
def test_any_other_preference_gets_the_deal_as_before(api, prefer):
    deal = api.open_deal()
    response = complete_minimal(api, deal["open_tasks"][0]["id"], "rep1", {"amount": "5"}, prefer)
    assert response.status_code == 200 and "Preference-Applied" not in response.headers
    assert response.get_json()["stage_id"] == "offer"


def test_the_minimal_answer_keeps_every_error_of_the_full_one_as_the_wrong_users(api):
    api.engine.create_user("designer", "designer")
    deal = api.open_deal()  # rep1's
    task_id = deal["open_tasks"][0]["id"]
    assert_error(complete_minimal(api, task_id, "rep3", {"amount": 5}), 404, "not_found", set())
    # The designer sees every deal's tasks but works none of them.
    assert_error(complete_minimal(api, task_id, "designer", {"amount": 5}), 403, "forbidden", set())
    assert_error(complete_minimal(api, task_id, "rep1", {"amount": "x"}), 422, "invalid", {"amount"})
    assert complete_minimal(api, task_id, "rep1", {"amount": 5}).status_code == 204
    assert "no longer ready" in assert_error(complete_minimal(api, task_id, "rep1", {"amount": 5}),
                                             409, "conflict")["message"]
    # Completed, it is still nobody else's business: 404, not 409, for whoever may not see it.
    response = complete_minimal(api, task_id, "rep3", {"amount": 5})
    assert_error(response, 404, "not_found", set())
    assert "Deal" not in response.get_data(as_text=True) and "no longer ready" not in response.get_data(as_text=True)
    assert_error(complete_minimal(api, "no-such-task", "rep1", {}), 404, "not_found")
    assert_error(api.client.post(f"/api/v1/tasks/{task_id}/complete", headers=MINIMAL), 401, "unauthorized")


def test_a_queued_task_is_claimed_once_and_only_by_its_teams_members(queue_api, clock):
    queue_api.open_deal()
    clock.advance(days=4)
    queue_api.engine.fire_due_timers()
    chase = next(t for t in queue_api.get("/inbox", "rep2").get_json()["tasks"] if t["node_id"] == "Task_Chase")
    assert chase["claimable"] and chase["candidate_team"] == "sales" and chase["assignee"] is None
    assert_error(queue_api.post(f"/tasks/{chase['id']}/claim", "rep3"), 404, "not_found")
    # The deal's manager sees the task but is not a member of the team it waits for.
    assert "not in the team" in assert_error(queue_api.post(f"/tasks/{chase['id']}/claim", "manager"),
                                             403, "forbidden", set())["message"]
    response = queue_api.post(f"/tasks/{chase['id']}/claim", "rep2")
    assert response.status_code == 200
    assert (response.get_json()["assignee"], response.get_json()["claimable"]) == ("rep2", False)
    body = assert_error(queue_api.post(f"/tasks/{chase['id']}/claim", "rep1"), 409, "conflict")
    assert "already claimed by rep2" in body["message"]
    done = queue_api.post(f"/tasks/{chase['id']}/complete", "rep2", {}).get_json()
    assert "Task_Chase" not in {t["node_id"] for t in done["open_tasks"]}


def test_a_task_assigned_to_a_person_cannot_be_claimed(api):
    task_id = api.open_deal()["open_tasks"][0]["id"]
    assert "not waiting in a team queue" in assert_error(api.post(f"/tasks/{task_id}/claim", "rep1"),
                                                         409, "conflict")["message"]


# --- authentication and routing -----------------------------------------------------------

ROUTES = [("GET", "/inbox"), ("POST", "/opportunities"), ("GET", "/opportunities/1"),
          ("POST", "/tasks/t/claim"), ("POST", "/tasks/t/complete")]


@pytest.mark.parametrize("method, path", ROUTES)
def test_every_route_is_401_without_a_valid_bearer_token(api, method, path):
    url = "/api/v1" + path
    token = api.engine.create_token("rep1")
    api.engine.create_token("manager")
    for headers, challenge in (({}, 'Bearer realm="dealflow"'),
                               ({"Authorization": "Bearer dft_wrong"}, 'error="invalid_token"'),
                               ({"Authorization": f"Bearer {token}x"}, 'error="invalid_token"'),
                               ({"Authorization": "Basic cmVwMTpkZW1v"}, 'Bearer realm="dealflow"'),
                               ({"Authorization": token}, 'Bearer realm="dealflow"')):
        response = api.client.open(url, method=method, headers=headers, json={})
        assert_error(response, 401, "unauthorized", set())
        assert response.headers["WWW-Authenticate"].startswith("Bearer") and \
            challenge in response.headers["WWW-Authenticate"]


def test_unknown_routes_and_methods_under_the_api_are_json_404_and_405(api):
    assert_error(api.get("/nothing/here", "rep1"), 404, "not_found")
    assert_error(api.get("/opportunities/abc", "rep1"), 404, "not_found")
    assert_error(api.client.get("/api/v1/"), 404, "not_found")
    response = api.client.delete("/api/v1/inbox")
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["Allow"] == "GET"
    response = api.client.put("/api/v1/opportunities", headers=api.headers("manager"))  # GET lists, POST opens
    assert_error(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_the_token_command_prints_a_token_that_the_api_accepts(tmp_path, clock, run_cli, monkeypatch):
    # On SQLite only: the command's engine lives as long as the process, as in the CLI.
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    api = Api(make_engine(url, clock))
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", url)
    result = run_cli("token", "create", "rep1")
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert token.startswith("dft_") and "\n" not in token
    response = api.client.get("/api/v1/inbox", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["tasks"] == []
    failed = run_cli("token", "create", "nobody")
    assert failed.exit_code == 1 and "error: no user 'nobody'" in failed.stderr
    api.engine.close()


def test_the_api_keeps_no_session_while_the_screens_keep_theirs(api):
    """The API names its caller by the token alone: it neither reads nor writes the
    session cookie, so its answers do not vary by cookie (webui/pages.py)."""
    page = api.client.get("/login")
    assert "session" in page.headers.get("Set-Cookie", "") and "Cookie" in page.headers.get("Vary", "")
    answer = api.get("/inbox", "rep1")  # the browser's session cookie from the login page goes along
    assert answer.status_code == 200
    assert "Set-Cookie" not in answer.headers and "Vary" not in answer.headers
    assert api.get("/inbox", None).status_code == 401  # the cookie opens nothing here
