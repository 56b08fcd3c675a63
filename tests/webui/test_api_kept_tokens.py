"""The API with tokens kept per process (PostgreSQL; engine.service.token_cache): a
token that has answered requests is refused by the very next request once an admin
revokes it, another app (another worker) answering that request included; a kept
token of one rep never opens another rep's task. Both databases."""

from __future__ import annotations

from tests.conftest import make_engine
from tests.webui.test_api import Api, assert_error
from engine.service import Engine
from webui import create_app


def test_a_kept_token_revoked_by_the_admin_is_refused_by_every_worker_at_once(db_url, clock):
    engine = make_engine(db_url, clock)
    other = Engine(db_url, clock=clock)  # a second gunicorn worker: its own process cache
    try:
        api = Api(engine)
        worker = create_app({"TESTING": True, "SECRET_KEY": "x", "ENGINE": other}).test_client()
        headers = api.headers("rep1")
        for client in (api.client, worker, api.client, worker):  # checked, then kept by each
            assert client.get("/api/v1/inbox", headers=headers).status_code == 200
        token_id = engine.api_tokens("rep1", viewer="admin")[0].id
        engine.revoke_token("rep1", token_id, actor="admin")
        for client in (worker, api.client):
            response = client.get("/api/v1/inbox", headers=headers)
            assert_error(response, 401, "unauthorized")
            assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    finally:
        other.close()
        engine.close()


def test_a_kept_token_of_another_rep_does_not_open_a_reps_task(db_url, clock):
    engine = make_engine(db_url, clock)
    try:
        api = Api(engine)
        deal = api.open_deal()  # rep1's
        task_id = deal["open_tasks"][0]["id"]
        for _ in range(2):  # rep3's token checked, then kept
            assert api.get("/inbox", "rep3").status_code == 200
            assert_error(api.post(f"/tasks/{task_id}/complete", "rep3", {"amount": 5}), 404, "not_found", set())
        assert api.post(f"/tasks/{task_id}/complete", "rep1", {"amount": 5}).status_code == 200
    finally:
        engine.close()
