"""Quotas split top-down (M14), through the façade on SQLite and PostgreSQL: set from
above, split as a draft only its author sees, committed for the team, versions
kept, the add-up warning, and every use case refused to the wrong user."""

from decimal import Decimal

import pytest

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError
from tests.service.quota_seeds import with_director

Q = "2026-Q4"


@pytest.fixture
def org(engine):
    return with_director(engine)


def test_a_quota_set_from_above_is_committed_and_versioned(org):
    first = org.set_quota("manager", Q, "100000", actor="director")
    second = org.set_quota("manager", Q, "120000.50", actor="admin", note="raised")
    assert (first.version, second.version, second.total, second.currency) == (1, 2, Decimal("120000.50"), "PLN")
    sheet = org.quota_sheet(viewer="manager", period=Q)
    assert sheet.manager_quota.amount == Decimal("120000.50") and sheet.manager_quota.version == 2
    assert sheet.own_quota == sheet.manager_quota


def test_a_draft_is_the_authors_alone_and_the_team_sees_the_split_once_committed(org):
    org.set_quota("manager", Q, "100000", actor="director")
    draft = org.split_quota("manager", Q, {"rep1": "40000", "rep2": "50000"}, actor="manager")
    assert (draft.status, draft.version) == ("draft", None)
    assert draft.warning == "the parts add up to 90000.00 PLN, 10000.00 PLN short of manager's quota of 100000.00 PLN"
    rep_view = org.quota_sheet(viewer="rep1", period=Q)
    assert rep_view.manager == "manager" and rep_view.draft is None and rep_view.history == ()
    assert rep_view.own_quota is None and all(r.quota is None for r in rep_view.reports)
    assert org.quota_sheet(viewer="director", period=Q, manager="manager").draft is None  # not the director's draft

    committed = org.split_quota("manager", Q, None, actor="manager", commit=True)
    assert (committed.status, committed.version, committed.total) == ("committed", 1, Decimal("90000.00"))
    rep_view = org.quota_sheet(viewer="rep1", period=Q)
    assert rep_view.own_quota.amount == Decimal("40000.00") and rep_view.own_quota.source == "split"
    assert {r.username: r.quota.amount for r in rep_view.reports} == {"rep1": Decimal("40000.00"),
                                                                      "rep2": Decimal("50000.00")}
    assert org.quota_sheet(viewer="manager", period=Q).draft is None  # the commit used up the draft


def test_a_recommit_is_version_n_plus_1_and_keeps_the_history(org):
    org.set_quota("manager", Q, "100000", actor="admin")
    org.split_quota("manager", Q, {"rep1": "50000", "rep2": "50000"}, actor="manager", commit=True)
    second = org.split_quota("manager", Q, {"rep1": "60000", "rep2": "40000"}, actor="manager", commit=True,
                             note="rep1 took the Kraków accounts")
    assert second.version == 2 and second.warning is None
    history = org.quota_sheet(viewer="manager", period=Q).history
    assert [(v.version, [line.amount for line in v.lines]) for v in history] == [
        (2, [Decimal("60000.00"), Decimal("40000.00")]), (1, [Decimal("50000.00"), Decimal("50000.00")])]
    assert history[0].note == "rep1 took the Kraków accounts"
    assert org.quota_sheet(viewer="rep2", period=Q).own_quota.amount == Decimal("40000.00")


def test_a_recommitted_split_that_leaves_a_rep_out_withdraws_their_part(org):
    org.set_quota("manager", Q, "80000", actor="admin")
    org.split_quota("manager", Q, {"rep1": "40000", "rep2": "40000"}, actor="manager", commit=True)
    org.split_quota("manager", Q, {"rep2": "80000"}, actor="manager", commit=True, note="rep1 moved to key accounts")
    assert org.quota_sheet(viewer="rep1", period=Q).own_quota is None  # version 1's part no longer counts
    assert {r.username: r.quota.amount if r.quota else None
            for r in org.quota_sheet(viewer="manager", period=Q).reports} == {"rep1": None, "rep2": Decimal("80000.00")}


def test_a_manager_of_managers_splits_among_managers_and_each_splits_further(org):
    org.set_quota("director", "FY2026", "1000000", actor="admin")
    split = org.split_quota("director", "FY2026", {"manager": "600000", "manager2": "400000"}, actor="director",
                            commit=True)
    assert split.warning is None
    org.split_quota("manager", "FY2026", {"rep1": "300000", "rep2": "300000"}, actor="manager", commit=True)
    assert org.quota_sheet(viewer="manager", period="FY2026").manager_quota.amount == Decimal("600000.00")
    assert org.quota_sheet(viewer="director", period="FY2026", manager="manager").history[0].total == \
        Decimal("600000.00")


def test_periods_follow_the_fiscal_calendar_an_admin_sets_and_stored_quotas_keep_their_days(org):
    assert org.fiscal_year_start() == 1
    org.set_quota("manager", "2026-Q4", "1000", actor="admin")  # October to December
    with pytest.raises(PermissionDeniedError):
        org.set_fiscal_year_start(4, actor="manager")
    assert org.set_fiscal_year_start("4", actor="admin") == 4
    sheet = org.quota_sheet(viewer="manager", period="2027-Q3")  # October to December 2026 on an April calendar
    assert (sheet.period.start.isoformat(), sheet.manager_quota.amount) == ("2026-10-01", Decimal("1000.00"))
    assert org.quota_sheet(viewer="manager", period="2026-Q4").manager_quota is None  # that is Jan-Mar 2026 now


def test_bad_input_is_a_message_per_field(org):
    with pytest.raises(FormError) as caught:
        org.split_quota("manager", Q, {"rep1": "x", "rep3": "5"}, actor="manager")
    assert set(caught.value.fields) == {"rep1", "rep3"}
    with pytest.raises(FormError) as caught:
        org.split_quota("manager", "Q9", {"rep1": "5"}, actor="manager")
    assert "period" in caught.value.fields
    with pytest.raises(FormError) as caught:
        org.split_quota("manager", Q, None, actor="manager", commit=True)
    assert "no draft" in caught.value.fields["parts"]
    with pytest.raises(FormError):
        org.set_quota("manager", Q, "1.001", actor="admin")
    with pytest.raises(FormError):
        org.split_quota("rep1", Q, {"rep2": "5"}, actor="admin")  # rep1 has nobody to split among


@pytest.mark.parametrize("actor, manager", [("rep1", "manager"), ("manager2", "manager"), ("manager", "director"),
                                            ("designer", "manager")])
def test_a_split_by_the_wrong_user_is_refused(org, actor, manager):
    with pytest.raises(PermissionDeniedError):
        org.split_quota(manager, Q, {"rep1": "5", "manager": "5"}, actor=actor)


@pytest.mark.parametrize("actor, user", [("rep1", "rep2"), ("rep1", "rep1"), ("manager", "manager"),
                                         ("manager2", "rep1"), ("manager", "director"), ("designer", "rep1")])
def test_a_quota_set_by_the_wrong_user_is_refused(org, actor, user):
    with pytest.raises(PermissionDeniedError):
        org.set_quota(user, Q, "5", actor=actor)


def test_a_split_one_may_not_see_is_not_found(org):
    org.split_quota("manager", Q, {"rep1": "5"}, actor="manager", commit=True)
    for viewer in ("rep3", "manager2"):
        with pytest.raises(NotFoundError):
            org.quota_sheet(viewer=viewer, period=Q, manager="manager")
    with pytest.raises(PermissionDeniedError):  # quotas are not a designer's business at all
        org.quota_sheet(viewer="designer", period=Q)
    assert org.quota_sheet(viewer="admin", period=Q, manager="manager").history[0].total == Decimal("5.00")


def test_teams_that_make_a_manager_report_to_themselves_are_refused(org):
    with pytest.raises(ConflictError) as caught:  # director manages manager, who would manage director
        org.create_team("loop", "manager", ["director"])
    assert "report to themselves: manager -> director -> manager" in str(caught.value)
    org.create_team("loop", "manager", ["rep3"])
    with pytest.raises(ConflictError):
        org.add_team_member("loop", "director")
    assert org.quota_sheet(viewer="manager", period=Q).reports[-1].username == "rep3"  # the team stands, without him
