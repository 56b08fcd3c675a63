"""The façade asks engine.rules.policy for every use case and engine.rules.inputs for
every value typed in, whoever calls it: the web, the API and the command line get the
same answers, and the views carry the policy's answers as flags."""

from __future__ import annotations

import pytest

from engine.errors import DealflowError, FormError, NotFoundError, PermissionDeniedError
from engine.rules import inputs

TOO_BIG_ID = 2 ** 31


def open_deal(engine, actor="manager", **overrides):
    values = dict(title="Cold room", amount="1000.00", partner="P", attributes={"channel": "retail"}, actor=actor)
    values.update(overrides)
    return engine.create_opportunity(**values)


def test_a_rep_may_not_open_a_deal_through_the_facade_either(engine):
    with pytest.raises(PermissionDeniedError, match="only managers and admins may open opportunities"):
        open_deal(engine, actor="rep1")
    assert engine.list_opportunities() == []
    assert open_deal(engine, actor="admin").status == "open"


@pytest.mark.parametrize(("values", "fields"), [
    ({"amount": "1e400"}, {"amount": "enter an amount below 1000000000000000"}),
    ({"amount": 0.1}, {"amount": inputs.AMOUNT_EXAMPLE}),
    ({"title": "x" * 301}, {"title": "enter at most 300 characters"}),
    ({"currency": "pln"}, {"currency": inputs.CURRENCY_EXAMPLE}),
    ({"partner": "P\x00"}, {"partner": inputs.NUL_REFUSED}),
    ({"title": "", "amount": "-1"}, {"title": inputs.REQUIRED, "amount": "enter an amount of 0 or more"}),
])
def test_a_new_deal_that_breaks_an_input_rule_is_a_form_error_naming_each_field(engine, values, fields):
    with pytest.raises(FormError) as refused:
        open_deal(engine, **values)
    assert refused.value.fields == fields
    assert engine.list_opportunities() == []


def test_ids_no_row_can_have_are_not_found_without_asking_the_database(engine):
    for ask in (lambda: engine.show_opportunity(TOO_BIG_ID),
                lambda: engine.opportunity_for(TOO_BIG_ID, viewer="admin"),
                lambda: engine.close_as_lost(TOO_BIG_ID, actor="admin", reason="gone"),
                lambda: engine.contact(TOO_BIG_ID, viewer="admin"),
                lambda: engine.task("a\x00b", viewer="admin")):
        with pytest.raises(NotFoundError):
            ask()
    assert engine.may_reassign(TOO_BIG_ID, viewer="admin") is False


def test_text_that_cannot_be_stored_never_reaches_a_task_event(engine):
    deal = open_deal(engine)
    (task,) = deal.open_tasks
    with pytest.raises(FormError) as refused:
        engine.complete_task(task.id, actor=deal.owner, data={"amount": "100", "note": "a\ud800"})
    assert refused.value.fields == {"note": inputs.SURROGATE_REFUSED}
    with pytest.raises(FormError) as refused:
        engine.close_as_lost(deal.id, actor="manager", reason="x" * 2001)
    assert refused.value.fields == {"reason": "enter at most 2000 characters"}


def test_a_deal_seen_by_a_viewer_carries_what_they_may_do_to_it(engine):
    deal = open_deal(engine)
    flags = ("may_reassign", "may_close", "may_override_probability", "may_retry")
    seen = {who: engine.opportunity_for(deal.id, viewer=who) for who in ("manager", deal.owner, "admin")}
    assert [getattr(seen["manager"], f) for f in flags] == [True, True, True, True]
    assert [getattr(seen[deal.owner], f) for f in flags] == [False, True, False, False]
    assert [getattr(seen["admin"], f) for f in flags] == [True, True, True, True]
    assert engine.show_opportunity(deal.id).may_close is False  # nobody asked: no one's flags



def test_a_user_is_created_with_a_known_role_and_a_name_that_fits(engine):
    with pytest.raises(DealflowError, match="unknown role 'boss'"):
        engine.create_user("bob", "boss")
    with pytest.raises(FormError) as refused:
        engine.create_user("x" * 81, "rep")
    assert refused.value.fields == {"username": "enter at most 80 characters"}
