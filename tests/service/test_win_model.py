"""The learned win probability through the façade, on SQLite and PostgreSQL:
trained on the company's closed deals, enabled only when it beats the stage table
on the later ones, a live deal's probability explained per factor, and who may do
what."""

from __future__ import annotations

import pytest

from engine.errors import NotFoundError, PermissionDeniedError
from tests.service.win_history import close_deals


def live(engine, title, source):
    return engine.create_opportunity(title=title, amount="1000.00", partner=f"{title} Ltd",
                                     attributes={"channel": "retail", "source": source}, actor="manager",
                                     owner="rep1")


def test_a_model_that_beats_the_stage_table_is_enabled_and_explains_a_live_deal(engine, clock):
    ids = close_deals(engine, clock, 70)
    with pytest.raises(PermissionDeniedError, match="only an admin or a designer"):
        engine.train_win_model(actor="rep1")
    assert engine.win_model() is None  # a refused training stores nothing

    model = engine.train_win_model(actor="admin")
    assert (model.deals_used, model.train_deals, model.held_out_deals, model.trained_by) == (70, 49, 21, "admin")
    assert model.enabled and model.brier["learned"] < model.brier["stage_table"]
    assert set(model.brier) == set(model.calibration) == {"stage_table", "naive_bayes", "learned"}
    assert sum(row.deals for row in model.calibration["learned"]) == pytest.approx(21)
    assert engine.win_model(viewer="rep2") == model

    referral, cold = live(engine, "Warm", "referral"), live(engine, "Cold", "cold call")
    clock.advance(days=3)
    warm = engine.win_probability(referral.id, viewer="rep1")
    chilly = engine.win_probability(cold.id, viewer="manager")
    assert warm.shown and chilly.shown and warm.probability > 65 > 35 > chilly.probability
    assert warm.stage_probability == 20  # the stage table's, beside it
    source = next(f for f in warm.factors if f.factor == "source")
    assert (source.label, source.value) == ("Lead source", "referral") and source.log_odds > 0.5
    stage = next(f for f in warm.factors if f.factor == "stage")
    assert stage.value == "qualification (small-deal)"

    closed = engine.win_probability(ids[1], viewer="rep1")
    assert not closed.shown and closed.reason == "the deal is lost" and closed.probability is None
    with pytest.raises(NotFoundError, match=f"no opportunity {cold.id}$"):
        engine.win_probability(cold.id, viewer="rep3")  # another team's deal


def test_with_too_few_closed_deals_the_model_is_disabled_and_no_deal_shows_it(engine, clock):
    assert engine.win_probability(live(engine, "Early", "web").id, viewer="rep1").reason == \
        "no model trained yet ('dealflow model train')"
    close_deals(engine, clock, 8)
    model = engine.train_win_model(actor=None)  # the worker's
    assert not model.enabled and model.trained_by is None and model.brier == {}
    assert model.reason.startswith("too few closed deals to learn from: ")
    deal = live(engine, "Later", "referral")
    shown = engine.win_probability(deal.id, viewer="rep1")
    assert not shown.shown and shown.reason == f"the learned model is disabled: {model.reason}"
    assert shown.factors == () and shown.stage_probability == 20
