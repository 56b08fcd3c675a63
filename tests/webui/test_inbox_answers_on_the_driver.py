"""The API's inbox answers the same bytes whether the inbox's counts and page are read
on psycopg's cursor (engine.store.driver_reads, PostgreSQL) or through SQLAlchemy — on
both databases, for a rep, a manager and an admin. (The page renders the same InboxPage,
compared field by field in tests/store/test_driver_reads.py; its HTML is not compared
byte for byte here: two renderings of it a moment apart differed on a loaded machine.)"""

from __future__ import annotations

import pytest

from engine.store import driver_reads
from tests.conftest import make_engine, queue_methodology
from tests.webui.pages_support import make_app, with_passwords

ASKS = ["", "?sort=-created", "?sort=task&per_page=2&page=2", "?assignee=queue", "?sort=-due"]


@pytest.fixture
def queue_engine(db_url, clock, tmp_path):
    engine = with_passwords(make_engine(db_url, clock, queue_methodology(tmp_path)))
    yield engine
    engine.close()


@pytest.mark.parametrize("who", ["rep1", "manager", "admin"])
def test_the_inbox_answers_the_same_bytes_either_way(queue_engine, clock, monkeypatch, who):
    for _ in range(3):
        queue_engine.create_opportunity(title="Deal retail", amount="1000.00", partner="P",
                                        attributes={"channel": "retail"}, actor="manager")
    clock.advance(days=4)
    queue_engine.fire_due_timers()  # chase tasks in the sales team's queue
    app = make_app(queue_engine)
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {queue_engine.create_token(who)}"}

    def answers():
        got = []
        for ask in ASKS:
            response = api.get("/api/v1/inbox" + ask, headers=bearer)
            assert response.status_code == 200, response.text
            got.append(response.get_data())
        return got

    on_driver = answers()
    monkeypatch.setattr(driver_reads, "USE_DRIVER", False)
    assert answers() == on_driver
    assert b'"due_at":"' in on_driver[0] and b"Deal retail" in on_driver[0]
