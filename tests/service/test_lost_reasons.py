"""Lost reasons (M13): required and checked when a deal is lost by hand, missing
(and recordable later) when the process loses a deal without one, and the
lost-deal report's counts of where and why deals died."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from engine.errors import ConflictError, FormError, NotFoundError, PermissionDeniedError

CHOICES = "price (Price too high), competitor (Chose a competitor), no_budget (No budget), other (Other)"


def open_deal(engine, title="Kiosk for Hotel Rex", amount="1000.00", currency="PLN", partner="Hotel Rex"):
    return engine.create_opportunity(title=title, amount=amount, currency=currency, partner=partner,
                                     attributes={"channel": "retail"}, actor="manager")


def task(deal, node):
    return next(t for t in deal.open_tasks if t.node_id == node)


def to_offer(engine, deal):
    """Qualify the deal (rep1's task): it moves on to the offer stage."""
    return engine.complete_task(task(deal, "Task_Qualify").id, actor=deal.owner,
                                data={"amount": 1000, "interested": True})


def test_closing_by_hand_needs_a_reason_code_from_the_methodologys_list(engine):
    deal = open_deal(engine)
    with pytest.raises(FormError) as err:
        engine.close_as_lost(deal.id, actor="rep1", reason_code="weather")
    assert err.value.fields == {"reason_code": f"'weather' is not a lost reason of this methodology; "
                                               f"choose one of {CHOICES}"}
    with pytest.raises(FormError) as err:
        engine.close_as_lost(deal.id, actor="rep1")
    assert err.value.fields == {"reason_code": f"choose why the deal was lost: one of {CHOICES}"}
    with pytest.raises(FormError) as err:
        engine.close_as_lost(deal.id, actor="rep1", reason_code="other", reason="   ")
    assert err.value.fields == {"reason": "'Other' needs a few words on why the deal was lost"}
    assert engine.show_opportunity(deal.id).status == "open"

    closed = engine.close_as_lost(deal.id, actor="rep1", reason_code="price", reason=" 20 % above budget ")
    assert (closed.status, closed.lost_reason_code, closed.lost_reason_label, closed.lost_reason) == (
        "lost", "price", "Price too high", "20 % above budget")
    assert not closed.lost_reason_missing
    assert [e.data for e in closed.events if e.kind == "closed_by_hand"] == [
        {"stage": "lost", "reason_code": "price", "reason": "20 % above budget", "withdrawn": 1}]


def test_free_text_alone_is_recorded_under_other_as_callers_before_the_list_sent_it(engine):
    closed = engine.close_as_lost(open_deal(engine).id, actor="rep1", reason="They went quiet")
    assert (closed.lost_reason_code, closed.lost_reason) == ("other", "They went quiet")


def test_a_preview_checks_the_same_and_changes_nothing(engine):
    deal = open_deal(engine)
    preview = engine.preview_loss(deal.id, actor="rep1", reason_code="competitor")
    assert (preview.reason_label, preview.stage_id, preview.reason) == ("Chose a competitor", "lost", None)
    assert engine.show_opportunity(deal.id).status == "open"
    with pytest.raises(FormError):
        engine.preview_loss(deal.id, actor="rep1", reason_code="nope")
    with pytest.raises(NotFoundError):
        engine.preview_loss(deal.id, actor="rep3", reason_code="price")


def test_a_deal_the_process_lost_shows_its_reason_missing_until_the_owner_records_it(engine):
    deal = to_offer(engine, open_deal(engine))
    lost = engine.complete_task(task(deal, "Task_Offer").id, actor="rep1", data={"result": "rejected"})
    assert (lost.status, lost.lost_reason_code, lost.lost_reason_missing) == ("lost", None, True)
    assert [e.kind for e in lost.events][-1] == "lost_reason_missing"
    with pytest.raises(NotFoundError):
        engine.record_lost_reason(deal.id, actor="rep3", reason_code="price")
    with pytest.raises(FormError):
        engine.record_lost_reason(deal.id, actor="rep1", reason_code="other")  # needs a note
    recorded = engine.record_lost_reason(deal.id, actor="rep1", reason_code="competitor", reason="Cheaper kiosk")
    assert (recorded.lost_reason_code, recorded.lost_reason, recorded.lost_reason_missing) == (
        "competitor", "Cheaper kiosk", False)
    event = [e for e in recorded.events if e.kind == "lost_reason_recorded"][-1]
    assert (event.actor, event.data["reason_code"], event.data["was_code"]) == ("rep1", "competitor", None)


def test_recording_a_reason_needs_a_lost_deal_and_someone_who_may_close_it(engine):
    deal = open_deal(engine)
    with pytest.raises(ConflictError):
        engine.record_lost_reason(deal.id, actor="rep1", reason_code="price")
    engine.close_as_lost(deal.id, actor="rep1", reason_code="price")
    with pytest.raises(NotFoundError):
        engine.record_lost_reason(deal.id, actor="rep2", reason_code="price")  # not theirs: not seen
    with pytest.raises(NotFoundError):
        engine.record_lost_reason(deal.id, actor="manager2", reason_code="price")  # another team's
    assert engine.record_lost_reason(deal.id, actor="manager", reason_code="no_budget").lost_reason_code == "no_budget"


def lose_three(engine, clock):
    """Deal 1 lost by hand in qualification (price), deal 2 by hand in offer
    (competitor, in EUR), deal 3 by the process in offer (reason missing)."""
    first = open_deal(engine, "Kiosk A", partner="Alpha")
    second = to_offer(engine, open_deal(engine, "Kiosk B", amount="500.00", currency="EUR", partner="Beta"))
    third = to_offer(engine, open_deal(engine, "=HYPERLINK(\"x\")", amount="250.00", partner="Gamma"))
    clock.advance(days=3)
    engine.close_as_lost(first.id, actor="manager", reason_code="price", reason="Too dear")
    engine.close_as_lost(second.id, actor="manager", reason_code="competitor")
    engine.complete_task(task(third, "Task_Offer").id, actor=third.owner, data={"result": "rejected"})
    return first, second, third


def test_the_report_counts_where_and_why_deals_died_per_methodology(engine, clock):
    first, second, third = lose_three(engine, clock)
    report = engine.lost_report(viewer="manager")
    assert (report.count, report.missing_reasons, report.everything) == (3, 1, False)
    assert [(a.currency, str(a.total)) for a in report.amounts] == [("EUR", "500.00"), ("PLN", "1250.00")]
    (small,) = report.methodologies
    assert (small.methodology_id, small.count) == ("small-deal", 3)
    assert [(r.key, r.label, r.count) for r in small.by_stage] == [("qualification", "Kwalifikacja", 1),
                                                                   ("offer", "Oferta", 2)]
    assert sorted((r.key or "", r.count) for r in small.by_reason) == [("", 1), ("competitor", 1), ("price", 1)]
    assert {(c.stage_id, c.reason_code, c.count) for c in small.matrix} == {
        ("qualification", "price", 1), ("offer", "competitor", 1), ("offer", None, 1)}
    deals = {d.id: d for d in report.deals}
    assert (deals[first.id].reason, deals[first.id].days_open, deals[first.id].work) == ("Too dear", 3, ())
    assert [w.name for w in deals[second.id].work] == ["Qualify the lead"]
    assert [w.name for w in deals[third.id].work] == ["Qualify the lead", "Send the offer"]
    assert deals[third.id].reason_label == "(reason missing)"


def test_the_report_filters_and_shows_each_viewer_only_their_deals(engine, clock):
    lose_three(engine, clock)
    assert engine.lost_report(viewer="admin").count == 3
    assert engine.lost_report(viewer="manager2").count == 0  # manages another team
    with pytest.raises(PermissionDeniedError):
        engine.lost_report(viewer="rep1")
    today = clock.now.date()
    assert engine.lost_report(viewer="admin", since=today, until=today.isoformat()).count == 3
    assert engine.lost_report(viewer="admin", since=date(2030, 1, 1)).count == 0
    assert engine.lost_report(viewer="admin", rep="rep2").count == len(
        [d for d in engine.lost_report(viewer="admin").deals if d.owner == "rep2"])
    assert engine.lost_report(viewer="admin", methodology="other-methodology").count == 0
    with pytest.raises(FormError) as err:
        engine.lost_report(viewer="admin", since="03/12/2026")
    assert err.value.fields == {"from": "'03/12/2026' is not a day; write it as YYYY-MM-DD"}


def test_the_report_counts_the_deals_every_other_report_counts_for_a_director(engine, clock):
    """A director leads the managers' managers: the lost report used to count only the
    deals they manage themselves (none), while the pipeline counted everyone below them."""
    from tests.service.quota_seeds import with_director

    lose_three(with_director(engine), clock)
    lost = engine.lost_report(viewer="director")
    assert lost.count == 3 and not lost.everything
    assert engine.lost_report(viewer="manager").count == 3  # the three deals' own manager


def test_the_report_as_csv_has_a_row_per_deal_and_no_formulas(engine, clock):
    lose_three(engine, clock)
    rows = list(csv.reader(io.StringIO(engine.lost_report_csv(viewer="admin"))))
    assert rows[0][:4] == ["deal_id", "title", "partner", "owner"] and len(rows) == 4
    titles = {row[1] for row in rows[1:]}
    assert titles == {"Kiosk A", "Kiosk B", "'=HYPERLINK(\"x\")"}
    by_title = {row[1]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert (by_title["Kiosk A"]["reason_code"], by_title["Kiosk A"]["stage_before_lost"],
            by_title["Kiosk A"]["note"]) == ("price", "Kwalifikacja", "Too dear")
    assert by_title["Kiosk B"]["currency"] == "EUR"
