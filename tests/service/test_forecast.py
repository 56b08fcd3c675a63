"""The forecast (M15) through the façade on SQLite and PostgreSQL: each person's
figures per currency and their rollup up the hierarchy, against quota; a manager's
adjustment beside the computed figure; a submitted snapshot; and every use case
as the wrong user."""

from decimal import Decimal

import pytest

from engine.errors import FormError, NotFoundError, PermissionDeniedError
from tests.service.forecast_seeds import seed
from tests.service.quota_seeds import with_director

Q = "2026-Q4"


@pytest.fixture
def org(engine):
    seed(with_director(engine))
    return engine


def line(lines, currency="PLN"):
    return next(x for x in lines if x.currency == currency)


def person(view, username):
    return next(p for p in view.people if p.username == username)


def test_each_rep_counts_won_deals_closed_and_open_deals_expected_in_the_period_by_category(org):
    rep1 = line(org.forecast(viewer="rep1", period=Q).total)
    assert (rep1.figures.closed_won, rep1.figures.commit, rep1.figures.best_case, rep1.figures.pipeline) == (
        Decimal("0.00"), Decimal("11000.00"), Decimal("20000.00"), Decimal("0.00"))  # E counts: the rep's override
    assert rep1.figures.weighted == Decimal("24100.00") and rep1.figures.deals == 3  # G is next quarter
    rep2 = org.forecast(viewer="rep2", period=Q).total
    assert (line(rep2).figures.closed_won, line(rep2).figures.pipeline, line(rep2).figures.commit) == (
        Decimal("4000.00"), Decimal("5000.00"), Decimal("0.00"))  # O was left out by hand
    assert line(rep2, "EUR").figures.commit == Decimal("8000.00")  # never added to the złoty


def test_the_rollup_adds_everyone_below_once_and_compares_with_quota(org):
    org.set_quota("director", Q, "100000", actor="admin")
    org.split_quota("director", Q, {"manager": "80000", "manager2": "20000"}, actor="director", commit=True)
    org.split_quota("manager", Q, {"rep1": "40000", "rep2": "40000"}, actor="manager", commit=True)
    view = org.forecast(viewer="director", period=Q)
    assert [(p.username, p.depth) for p in view.people] == [("director", 0), ("manager", 1), ("rep1", 2),
                                                            ("rep2", 2), ("manager2", 1), ("rep3", 2)]
    total = line(view.total)
    assert (total.figures.commit, total.figures.closed_won, total.quota, total.progress) == (
        Decimal("18000.00"), Decimal("4000.00"), Decimal("100000.00"), 4)
    manager = line(person(view, "manager").rollup)
    assert (manager.figures.commit, manager.quota, manager.progress) == (Decimal("11000.00"), Decimal("80000.00"), 5)
    assert line(person(view, "rep2").own).progress == 10  # 4000 of 40000
    assert line(view.total, "EUR").quota is None and line(view.total, "EUR").progress is None


def test_a_manager_adjusts_a_direct_reports_figure_and_the_computed_one_stays_beside_it(org):
    after = org.adjust_forecast(actor="manager", user="rep1", period=Q, category="commit", amount="8000",
                                note="the big one slips to January")
    rep1 = line(person(after, "rep1").own)
    assert (rep1.figures.commit, rep1.adjusted.commit, rep1.adjusted.best_case) == (
        Decimal("11000.00"), Decimal("8000.00"), Decimal("20000.00"))
    assert [(a.category, a.note, a.by) for a in rep1.adjustments] == [("commit", "the big one slips to January",
                                                                       "manager")]
    team = line(after.total)
    assert (team.figures.commit, team.adjusted.commit) == (Decimal("11000.00"), Decimal("8000.00"))
    again = org.adjust_forecast(actor="manager", user="rep1", period=Q, category="commit", amount="9000", note="back")
    assert line(person(again, "rep1").own).adjusted.commit == Decimal("9000.00")  # the newest is in force
    assert line(org.forecast(viewer="rep1", period=Q).total).adjusted.commit == Decimal("9000.00")


def test_a_submitted_forecast_is_a_snapshot_that_later_deals_do_not_change(org):
    submitted = org.submit_forecast(actor="manager", period=Q)
    assert submitted.figures["username"] == "manager"
    pln = next(x for x in submitted.figures["rollup"] if x["currency"] == "PLN")
    assert pln["commit"] == "11000.00"
    from tests.service.forecast_seeds import deal
    from datetime import date
    deal(org, "rep1", "3000", 90, date(2026, 12, 2), title="Late")
    view = org.forecast(viewer="manager", period=Q)
    assert line(view.total).figures.commit == Decimal("14000.00")
    assert [s.id for s in view.submissions] == [submitted.id]
    assert next(x for x in view.submissions[0].figures["rollup"] if x["currency"] == "PLN")["commit"] == "11000.00"


def test_the_wrong_users_are_refused(org):
    for viewer, user in (("rep1", "rep2"), ("rep1", "manager"), ("manager2", "rep1"), ("manager", "director"),
                         ("rep3", "manager2")):
        with pytest.raises(NotFoundError):
            org.forecast(viewer=viewer, period=Q, user=user)
    with pytest.raises(PermissionDeniedError):
        org.forecast(viewer="designer", period=Q)
    assert org.forecast(viewer="admin", period=Q, user="rep3").username == "rep3"
    with pytest.raises(PermissionDeniedError):  # sees rep1's forecast but is not their direct manager
        org.adjust_forecast(actor="director", user="rep1", period=Q, category="commit", amount="1", note="n")
    with pytest.raises(PermissionDeniedError, match="without reports"):  # the team's rollup would count twice
        org.adjust_forecast(actor="director", user="manager", period=Q, category="commit", amount="1", note="n")
    assert not person(org.forecast(viewer="director", period=Q), "manager").may_adjust
    with pytest.raises(NotFoundError):
        org.adjust_forecast(actor="manager2", user="rep1", period=Q, category="commit", amount="1", note="n")
    with pytest.raises(PermissionDeniedError):
        org.adjust_forecast(actor="rep2", user="rep2", period=Q, category="commit", amount="1", note="n")
    for actor in ("admin", "designer"):
        with pytest.raises(PermissionDeniedError):
            org.submit_forecast(actor=actor, period=Q)


def test_bad_input_is_a_message_per_field(org):
    with pytest.raises(FormError) as caught:
        org.adjust_forecast(actor="manager", user="rep1", period=Q, category="hope", amount="x", note="",
                            currency="zł")
    assert set(caught.value.fields) == {"category", "amount", "note", "currency"}
    with pytest.raises(FormError) as caught:
        org.forecast(viewer="rep1", period="2026-Q0")
    assert "period" in caught.value.fields
