"""The learned win probability's reads on SQLite and PostgreSQL: deals as the
histories it learns from (tests/service/analysis_history.py's known history: a
swap, a deal lost by hand, lead sources), each stage entry with the methodology
that named it and the closing entry marked won or lost."""

from __future__ import annotations

from engine.store import win_models
from tests.service.analysis_history import seed_history


def _histories(engine, ids):
    with engine.context.sessions() as session:
        return {h.deal_id: h for h in win_models.histories_of(session, ids)}


def test_closed_deals_read_as_histories_with_the_stages_they_went_through(engine, clock):
    seeded = seed_history(engine, clock)
    a, b, c, d = (seeded[k] for k in "ABCD")
    found = _histories(engine, [a.id, b.id, c.id, d.id])

    won = found[a.id]
    assert (won.methodology, won.source, won.won, won.closed_at) == ("small-deal", "fair", True,
                                                                      engine.show_opportunity(a.id).closed_at)
    assert [(e.stage, e.outcome) for e in won.stages] == [("lead", "open"), ("qualification", "open"),
                                                          ("offer", "open"), ("won", "won")]
    assert (found[b.id].won, found[b.id].source, found[b.id].stages[-1].outcome) == (False, "web", "lost")

    swapped = found[c.id]  # moved to quick-deal's proposal by the swap, then lost by hand
    assert swapped.methodology == "quick-deal" and swapped.won is False
    assert [(e.stage, e.methodology, e.outcome) for e in swapped.stages] == [
        ("lead", "small-deal", "open"), ("qualification", "small-deal", "open"), ("offer", "small-deal", "open"),
        ("proposal", None, "open"), ("lost", None, "lost")]

    still_open = found[d.id]
    assert still_open.won is None and still_open.closed_at is None and not still_open.closed

    with engine.context.sessions() as session:
        assert [h.deal_id for h in win_models.closed_histories(session, 10)] == [a.id, b.id, c.id]
        assert [h.deal_id for h in win_models.closed_histories(session, 1)] == [c.id]  # the latest closed
