"""The demo as a new user tries it (issue 13's "done when"): after seeding, a sweep
raises warnings for stalled demo deals, and they show on the manager's dashboard and
in the rep's inbox."""

from engine.demo import seed_demo
from engine.service import Engine
from tests.conftest import SHIPPED
from tests.webui.pages_support import client_for, make_app


def test_stalled_demo_deals_warn_on_the_dashboard_and_in_the_reps_inbox(db_url, clock):
    engine = Engine(db_url, clock=clock, upgrade_schema=True)
    try:
        seed_demo(engine, str(SHIPPED), count=12, history=0)  # the year sweeps itself (tests/webui/test_demo_year.py)
        report = engine.sweep_warnings()
        assert report.fired > 0
        board = engine.warning_board(viewer="manager")
        assert board.reps and {rep.owner for rep in board.reps} <= {"rep1", "rep2"}
        assert "next_action_missed" in {g.rule for rep in board.reps for g in rep.rules}
        app = make_app(engine)
        assert 'id="warning-board"' in client_for(app, "manager").get("/warnings").text
        assert 'id="inbox-warnings"' in client_for(app, board.reps[0].owner).get("/").text
    finally:
        engine.close()
