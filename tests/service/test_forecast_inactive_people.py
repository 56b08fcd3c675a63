"""A deactivated rep keeps counting in the forecast and rollup of the periods they
worked (their quota, won deals and open pipeline), shown as inactive, and gets no
new quota (M14, M15) — on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest
from sqlalchemy import create_engine, text

from engine.errors import FormError
from tests.service.forecast_seeds import seed
from tests.service.quota_seeds import with_director

Q = "2026-Q4"


def deactivate(engine, username):
    """No use case deactivates a user yet (an admin does it in the database)."""
    db = create_engine(engine.url.replace("postgresql://", "postgresql+psycopg://", 1))
    with db.begin() as connection:
        connection.execute(text("UPDATE users SET active = :no WHERE username = :name"),
                           {"no": False, "name": username})
    db.dispose()


@pytest.fixture
def org(engine):
    seed(with_director(engine))
    engine.set_quota("director", Q, "100000", actor="admin")
    engine.split_quota("director", Q, {"manager": "80000", "manager2": "20000"}, actor="director", commit=True)
    engine.split_quota("manager", Q, {"rep1": "40000", "rep2": "40000"}, actor="manager", commit=True)
    return engine


def pln(lines):
    return next(x for x in lines if x.currency == "PLN")


def test_a_deactivated_reps_quota_won_deals_and_pipeline_stay_in_their_managers_rollup(org):
    before = org.forecast(viewer="director", period=Q)
    deactivate(org, "rep2")
    after = org.forecast(viewer="director", period=Q)
    assert pln(after.total) == pln(before.total)
    rep2 = next(p for p in after.people if p.username == "rep2")
    assert rep2.active is False and pln(rep2.own).figures.closed_won == Decimal("4000.00")
    assert pln(rep2.own).quota == Decimal("40000.00")
    manager = pln(next(p for p in after.people if p.username == "manager").rollup)
    assert (manager.figures.closed_won, manager.figures.pipeline) == (Decimal("4000.00"), Decimal("5000.00"))
    assert [p.active for p in after.people if p.username != "rep2"] == [True] * 5


def test_a_deactivated_rep_with_nothing_in_the_period_is_left_out(org):
    deactivate(org, "rep3")
    names = [p.username for p in org.forecast(viewer="director", period="2027-Q1").people]
    assert "rep3" not in names and "manager2" in names


def test_a_new_quota_split_leaves_a_deactivated_rep_out(org):
    deactivate(org, "rep2")
    with pytest.raises(FormError):
        org.split_quota("manager", "2027-Q1", {"rep1": "40000", "rep2": "40000"}, actor="manager", commit=True)
    done = org.split_quota("manager", "2027-Q1", {"rep1": "80000"}, actor="manager", commit=True)
    assert [line.username for line in done.lines] == ["rep1"]
    sheet = org.quota_sheet(viewer="manager", period="2027-Q1")
    assert [r.username for r in sheet.reports] == ["rep1"]
