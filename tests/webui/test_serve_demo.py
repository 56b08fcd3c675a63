"""`dealflow serve --demo`: the seeded demo is idempotent and usable at once, and the
server refuses to start without a secret key unless it is the demo."""

import os
import stat

import pytest

from webui.serve import SECRET_FILE, secret_key
from engine.demo import seed_demo
from engine.service import Engine
from tests.conftest import SHIPPED
from tests.webui.pages_support import client_for, make_app


@pytest.fixture
def engine(db_url, clock):
    engine = Engine(db_url, clock=clock, upgrade_schema=True)
    yield engine
    engine.close()


def counts(engine):
    deals = engine.list_opportunities()
    partners = engine.partners("admin", per_page=100).items
    return (len(deals), sorted(d.status for d in deals), len(engine.list_users()),
            {u: engine.inbox(u).total for u in ("rep1", "rep2", "manager", "admin")},
            {p.name: len(engine.partner(p.id, viewer="admin").contacts) for p in partners},
            {p.name: len(engine.activities_for_partner(p.id, viewer="admin")) for p in partners})


def test_seeding_the_demo_twice_gives_the_same_users_deals_and_tasks(engine):
    assert seed_demo(engine, str(SHIPPED), count=12, history=0) == 12
    first = counts(engine)
    assert seed_demo(engine, str(SHIPPED), count=12, history=0) == 0
    assert counts(engine) == first
    statuses = first[1]
    assert "won" in statuses and "lost" in statuses and "open" in statuses


def test_the_seeded_demo_has_work_for_both_reps_and_the_manager_some_of_it_overdue(engine):
    seed_demo(engine, str(SHIPPED), count=12, history=0)
    rep1, rep2, manager = engine.inbox("rep1"), engine.inbox("rep2"), engine.inbox("manager")
    assert rep1.mine > 0 and rep2.mine > 0
    assert any(t.node_id == "Task_ManagerApproveProject" for t in manager.tasks)
    assert rep1.overdue + rep2.overdue > 0
    assert len({d.stage_id for d in engine.list_opportunities()}) >= 6


def test_the_seeded_demo_partners_have_cards_contacts_and_activities_in_the_reps_calendars(engine):
    seed_demo(engine, str(SHIPPED), count=12, history=0)
    partners = engine.partners("admin", per_page=100).items
    assert len(partners) == 12 and {p.kind for p in partners} == {"prospect", "customer"}
    assert all(p.tax_id and p.tax_id.startswith("PL") and p.city for p in partners)
    cards = [engine.partner(p.id, viewer="admin") for p in partners]
    assert all(len(card.contacts) == 2 for card in cards)
    assert any(card.credit_limit is not None for card in cards)
    for rep in ("rep1", "rep2"):
        agenda = engine.agenda(rep, viewer=rep, days=7)
        planned = [i for day in agenda.days for i in day.items if i.is_activity and i.status == "planned"]
        assert planned, f"{rep} has no call or visit planned in the coming week"


def test_every_demo_account_logs_in_with_the_password_demo(engine):
    seed_demo(engine, str(SHIPPED), count=1, history=0)
    app = make_app(engine)
    for username in ("manager", "rep1", "rep2", "designer", "admin"):
        assert client_for(app, username).get("/").status_code == 200


def test_accounts_made_by_dealflow_demo_get_the_demo_password_when_served(engine):
    engine.create_user("rep1", "rep", "Radek Rep")  # as `dealflow demo` makes them: no password
    engine.create_user("rep2", "rep", "Renata Rep", password="a-real-password")
    seed_demo(engine, str(SHIPPED), count=0)
    assert engine.authenticate("rep1", "demo").username == "rep1"
    assert engine.authenticate("rep2", "a-real-password").username == "rep2"


def test_serve_without_a_secret_key_and_without_demo_refuses_to_start_in_one_line(run_cli, tmp_path, monkeypatch):
    monkeypatch.delenv("DEALFLOW_SECRET_KEY", raising=False)
    monkeypatch.setenv("DEALFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    result = run_cli("serve")
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "DEALFLOW_SECRET_KEY is not set" in result.output and "--demo" in result.output


def test_the_demo_makes_a_secret_key_once_and_keeps_it_next_to_the_database(tmp_path, monkeypatch):
    monkeypatch.delenv("DEALFLOW_SECRET_KEY", raising=False)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    key = secret_key(url, demo=True)
    assert len(key) > 40 and secret_key(url, demo=True) == key
    assert stat.S_IMODE(os.stat(tmp_path / SECRET_FILE).st_mode) == 0o600
    assert secret_key(url, demo=False) is None
    monkeypatch.setenv("DEALFLOW_SECRET_KEY", "from-the-environment")
    assert secret_key(url, demo=True) == "from-the-environment"
