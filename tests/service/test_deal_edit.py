"""Editing a deal's title, partner, amount, currency and expected close date (issue
15): who may, every mistake at once, the audit with old and new values, the row
version, the re-check inside the lock, and an edit racing a stage step."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError
from tests.engine.test_concurrency import at_once


def open_deal(engine, title="Kiosk for Hotel Rex", partner="Hotel Rex"):
    return engine.create_opportunity(title=title, amount="1000.00", partner=partner,
                                     attributes={"channel": "retail"}, actor="manager")


def test_the_owner_edits_the_amount_and_close_date_and_both_are_audited(engine):
    deal = open_deal(engine)
    edited = engine.edit_deal(deal.id, {"amount": "12 500,50", "currency": "eur",
                                        "expected_close_date": "2027-01-20", "title": "Two kiosks"},
                              actor=deal.owner)
    assert (edited.amount, edited.currency, edited.title, edited.expected_close_date) == (
        Decimal("12500.50"), "EUR", "Two kiosks", date(2027, 1, 20))
    assert edited.expected_revenue == Decimal("2500.10")  # 20 % of the new amount
    (event,) = [e for e in edited.events if e.kind == "deal_edited"]
    assert (event.actor, event.data["source"]) == (deal.owner, "edit")
    assert event.data["changes"] == {"amount": ["1000.00", "12500.50"], "currency": ["PLN", "EUR"],
                                     "title": ["Kiosk for Hotel Rex", "Two kiosks"]}
    (moved,) = [e for e in edited.events if e.kind == "close_date_changed"]
    assert (moved.data["before"], moved.data["after"]) == ("2026-12-31", "2027-01-20")
    assert engine.pipeline("manager").totals[0].amount == Decimal("12500.50")


def test_the_partner_changes_to_one_the_editor_may_see(engine):
    deal = open_deal(engine)
    other = open_deal(engine, partner="Bistro Nowak")  # rep2's, a partner rep1 cannot see
    own = open_deal(engine, partner="Cafe Rex")
    # the round robin: deal -> rep1, other -> rep2, own -> rep1
    edited = engine.edit_deal(deal.id, {"partner_id": own.partner_id}, actor="rep1")
    assert (edited.partner_id, edited.partner_name) == (own.partner_id, "Cafe Rex")
    with pytest.raises(FormError) as err:
        engine.edit_deal(deal.id, {"partner_id": other.partner_id}, actor="rep1")
    assert err.value.fields == {"partner_id": "no such partner"}


def test_every_mistake_is_reported_at_once_per_field(engine):
    deal = open_deal(engine)
    with pytest.raises(FormError) as err:
        engine.edit_deal(deal.id, {"amount": "12,5,0", "currency": "euro", "title": " ", "colour": "red"},
                         actor=deal.owner)
    assert set(err.value.fields) == {"amount", "currency", "title", "colour"}
    with pytest.raises(FormError) as err:
        engine.edit_deal(deal.id, {"expected_close_date": "2020-01-01"}, actor=deal.owner)
    assert err.value.fields == {"expected_close_date": "2020-01-01 is before the deal opened (2026-11-02)"}
    with pytest.raises(FormError):
        engine.edit_deal(deal.id, {}, actor=deal.owner)


def test_only_the_owner_their_managers_and_admins_may_edit(engine):
    deal = open_deal(engine)  # rep1's, managed by 'manager'
    for user in ("manager", "admin", "rep1"):
        engine.edit_deal(deal.id, {"title": f"by {user}"}, actor=user)
    with pytest.raises(NotFoundError):
        engine.edit_deal(deal.id, {"title": "x"}, actor="rep2")  # may not see it
    with pytest.raises(NotFoundError):
        engine.edit_deal(deal.id, {"title": "x"}, actor="manager2")
    engine.create_user("designer", "designer")
    with pytest.raises(PermissionDeniedError):
        engine.edit_deal(deal.id, {"title": "x"}, actor="designer")  # sees every deal, edits none
    assert engine.opportunity_for(deal.id, viewer="rep1").may_edit
    assert not engine.opportunity_for(deal.id, viewer="designer").may_edit


def test_a_manager_above_the_deals_manager_may_edit_it(engine):
    deal = open_deal(engine)
    engine.create_user("director", "manager")
    engine.create_team("managers", "director", ["manager"])
    assert engine.edit_deal(deal.id, {"amount": "5.00"}, actor="director").amount == Decimal("5.00")


def test_a_closed_deal_or_a_stale_row_version_cannot_be_edited(engine):
    deal = open_deal(engine)
    seen = engine.opportunity_for(deal.id, viewer="rep1").row_version
    engine.edit_deal(deal.id, {"title": "first"}, actor="rep1", row_version=seen)
    with pytest.raises(ConflictError, match="changed since it was read"):
        engine.edit_deal(deal.id, {"title": "second"}, actor="manager", row_version=seen)
    with pytest.raises(ConflictError, match="nothing changed"):
        engine.edit_deal(deal.id, {"title": "first"}, actor="rep1")
    engine.close_as_lost(deal.id, actor="manager", reason_code="price")
    with pytest.raises(ConflictError, match="is lost"):
        engine.edit_deal(deal.id, {"title": "third"}, actor="manager")


def test_an_edit_racing_a_stage_step_loses_neither(engines):
    first, second = engines
    for round_ in range(5):
        deal = open_deal(first, title=f"deal {round_}")
        (task,) = deal.open_tasks
        outcomes = at_once(
            lambda: first.complete_task(task.id, actor=task.assignee, data={"amount": "100"}),
            lambda: second.edit_deal(deal.id, {"amount": "777.00"}, actor="manager"))
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        after = first.show_opportunity(deal.id)
        assert (after.stage_id, after.amount) == ("offer", Decimal("777.00"))
        assert after.expected_revenue == Decimal("388.50")  # 50 % in offer, of the edited amount
        kinds = [e.kind for e in after.events]
        assert kinds.count("deal_edited") == 1 and kinds.count("task_completed") == 1


def test_the_partner_may_be_named_instead_of_numbered(engine):
    deal = open_deal(engine)
    own = open_deal(engine, partner="Bistro Nowak")  # rep2's
    third = open_deal(engine, partner="Cafe Rex")  # rep1's
    assert engine.edit_deal(deal.id, {"partner": "cafe rex"}, actor="rep1").partner_id == third.partner_id
    with pytest.raises(FormError) as err:
        engine.edit_deal(deal.id, {"partner": "Bistro Nowak"}, actor="rep1")
    assert err.value.fields == {"partner": "no partner named 'Bistro Nowak' that you may see; pick one from the list"}
    assert own.partner_name == "Bistro Nowak"
