"""The learned win probability (issue 13): train it on the company's closed deals,
show the model in force, and give one deal's learned probability with its
explanation per factor.

Training reads the deals closed last (at most MAX_TRAINING_DEALS) in one read
transaction, backtests on them (engine.rules.win_backtest: trained on the deals
closed before the cut, judged on the later ones), then fits the model it serves on
all of them with the penalty the backtest chose, and stores one new row: the
coefficients, the counts, the three Brier scores and whether the model is enabled
— only when it beat the stage table on the held-out deals. It changes no deal,
so it locks none. A deal's learned probability is shown only while the newest
model is enabled."""

from __future__ import annotations

from engine.rules import policy, win_backtest
from engine.rules.win_facts import live_point, factor_label
from engine.rules.win_model import LogisticModel, sigmoid
from engine.service import unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.store import people
from engine.store import win_models as store
from engine.store.win_model_models import WinModel
from engine.views.win_model import CalibrationRow, DealWinProbability, FactorPart, WinModelView

MAX_TRAINING_DEALS = 20_000  # the most recent closed deals: what sells now, in bounded memory


def train(ctx: ServiceContext, *, actor: str | None) -> WinModelView:
    """``actor`` None: the worker's daily round."""
    now = ctx.now()
    with unit_of_work.read(ctx) as session:
        if actor is not None:
            user = people.user(session, actor)
            policy.require(policy.may_train_win_model(visibility.actor_of(session, user)),
                           f"only an admin or a designer may train the learned win probability; '{actor}' may not")
        deals = store.closed_histories(session, MAX_TRAINING_DEALS)
    result = win_backtest.backtest(deals)
    served = win_backtest.fit(deals, result.penalty)[0] if result.learned is not None else None
    row = WinModel(
        trained_at=now, trained_by=actor, model=served.as_record() if served else None, deals_used=len(deals),
        train_deals=result.train_deals, held_out_deals=result.held_out_deals, cut_at=result.cut,
        brier_stage_table=_brier(result.stage_table), brier_naive_bayes=_brier(result.naive_bayes),
        brier_learned=_brier(result.learned), enabled=result.enabled, reason=result.reason,
        calibration={name: [[b.low, b.high, b.weight, b.predicted, b.observed] for b in scores.bins]
                     for name, scores in (("stage_table", result.stage_table),
                                          ("naive_bayes", result.naive_bayes), ("learned", result.learned))
                     if scores is not None})

    def work(session) -> WinModelView:
        return _view(store.add(session, row))

    return unit_of_work.run(ctx, work)


def model(ctx: ServiceContext, *, viewer: str | None = None) -> WinModelView | None:
    """The model in force (None: never trained). ``viewer``: must be an active user."""
    with unit_of_work.read(ctx) as session:
        if viewer is not None:
            people.user(session, viewer)
        row = store.latest(session)
        return _view(row) if row else None


def deal_probability(ctx: ServiceContext, opportunity_id: int, *, viewer: str) -> DealWinProbability:
    now = ctx.now()
    with unit_of_work.read(ctx) as session:
        _, opportunity = visibility.visible_opportunity(session, viewer, opportunity_id)
        row = store.latest(session)
        view = _view(row) if row else None
        history = store.histories_of(session, [opportunity.id])[0]
        status, in_force = opportunity.status, opportunity.probability
    if row is None:
        reason = "no model trained yet ('dealflow model train')"
    elif not row.enabled or row.model is None:
        reason = f"the learned model is disabled: {row.reason}"
    elif status != "open":
        reason = f"the deal is {status}"
    else:
        learned = LogisticModel.from_record(row.model)
        point = live_point(history, now, learned.edges)
        if point is not None:
            baseline, parts = learned.explain(point.features)
            factors = tuple(FactorPart(p.factor, factor_label(p.factor), _value(p.factor, p.value), p.log_odds)
                            for p in parts)
            return DealWinProbability(opportunity_id, True, row.reason, _percent(learned.probability(point.features)),
                                      in_force, _percent(float(sigmoid(baseline))), factors, view)
        reason = "the deal is not in an open stage"
    return DealWinProbability(opportunity_id, False, reason, None, in_force, None, (), view)


def _value(factor: str, value: str) -> str:
    if factor == "stage" and "/" in value:
        methodology, stage = value.split("/", 1)
        return f"{stage} ({methodology})"
    return value


def _percent(p: float) -> int:
    return int(round(100 * p))


def _brier(scores) -> float | None:
    return round(scores.brier, 6) if scores is not None else None


def _view(row: WinModel) -> WinModelView:
    brier = {name: value for name, value in (("stage_table", row.brier_stage_table),
                                             ("naive_bayes", row.brier_naive_bayes),
                                             ("learned", row.brier_learned)) if value is not None}
    calibration = {name: tuple(CalibrationRow(*bin_) for bin_ in bins) for name, bins in (row.calibration or {}).items()}
    return WinModelView(row.trained_at, row.trained_by, row.deals_used, row.train_deals, row.held_out_deals,
                        row.cut_at, brier, calibration, row.enabled, row.reason,
                        len((row.model or {}).get("columns", ())))
