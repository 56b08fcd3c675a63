"""The grouped totals the pipeline analysis keeps per deal (engine.store.deal_totals,
issue 13) stay exactly equal to a recount from the deals, on SQLite and PostgreSQL:
after a random mix of use cases (new deals, stage moves, wins and losses, amount and
currency edits, probability overrides, a partner card's industry and campaign, a
partner moved to another deal, reassignments, a partner's hand-over, a swap and its
reversal), in every grouping and every viewer's scope; and after the migration that
fills them from the deals on file."""

from __future__ import annotations

import random

from alembic import command

from engine.errors import FormError

from engine.service import Engine, unit_of_work
from engine.service import pipeline_analysis as analysis
from engine.store import deal_totals
from engine.store import pipeline_analysis as analysis_store
from engine.store.db import _alembic_config, make_engine, upgrade
from tests.service.analysis_history import _open, _qualify, _task, seed_history

GROUPINGS = ("stage", "methodology", "segment", "rep", "team", "territory", "industry", "source", "campaign",
             "version_segment", "source_campaign")
VIEWERS = ("manager", "rep1", "rep2", "manager2", "admin")


def rows(totals) -> list[tuple]:
    return sorted((tuple(str(k) for k in t.key), t.status, t.currency, t.deals, t.amount, t.weighted,
                   round(t.cycle_days, 6)) for t in totals)


def assert_kept(engine) -> int:
    """The kept sums and parts equal a recount; each grouping in each viewer's scope
    reads what a scan of the deals gives. How many deals were counted."""
    with unit_of_work.read(engine.context) as session:
        sums, fresh = deal_totals.recount(session)
        assert deal_totals.kept(session) == sums
        assert deal_totals.stored_parts(session) == fresh
        for viewer in VIEWERS:
            scope = analysis._scope(session, viewer)
            for grouping in GROUPINGS:
                kept = rows(analysis_store.totals(session, scope, grouping))
                assert kept == rows(analysis_store.totals_from_deals(session, scope, grouping)), (viewer, grouping)
        return len(fresh)


def test_the_kept_totals_equal_a_recount_after_a_random_mix_of_use_cases(engine, clock):
    history = seed_history(engine, clock)
    assert assert_kept(engine) == 5
    rng = random.Random(13)
    deals = [history[k] for k in "ABCDE"]
    made = []
    plan = ["open", "qualify", "edit", "override", "card", "reassign", "lose", "partner"] * 3
    rng.shuffle(plan)  # each use case three times, in a random order
    for step, choice in enumerate(plan):
        clock.advance(hours=rng.randrange(1, 40))
        open_ = [d for d in deals + made if engine.show_opportunity(d.id).status == "open"]
        if choice == "open" or not open_:
            owner = rng.choice(["rep1", "rep2"])
            made.append(_open(engine, f"New {step}", f"{rng.randrange(100, 9000)}.{rng.randrange(100):02d}",
                              rng.choice(["PLN", "EUR"]), rng.choice(["retail", "horeca"]), owner,
                              source=rng.choice(["fair", "web", ""]), campaign=rng.choice(["spring", ""])))
            continue
        deal = engine.show_opportunity(rng.choice(open_).id)
        if choice == "qualify" and any(t.node_id == "Task_Qualify" for t in deal.open_tasks):
            try:
                _qualify(engine, deal)
            except FormError:  # the quick-deal methodology's (horeca) form
                engine.complete_task(_task(deal, "Task_Qualify").id, actor=deal.owner,
                                     data={"budget_confirmed": True})
        elif choice == "qualify" and any(t.node_id == "Task_Offer" for t in deal.open_tasks):
            engine.complete_task(_task(deal, "Task_Offer").id, actor=deal.owner,
                                 data={"result": rng.choice(["accepted", "rejected"])})
        elif choice == "edit":
            engine.edit_deal(deal.id, {"amount": f"{rng.randrange(1, 99999)}.{rng.randrange(100):02d}",
                                       "currency": rng.choice(["PLN", "EUR"])}, actor="manager")
        elif choice == "override":
            engine.override_probability(deal.id, rng.randrange(0, 101), actor="manager", reason="gut feeling")
        elif choice == "card":
            engine.update_partner(deal.partner_id, actor="manager", industry=rng.choice(["retail", "cafés", ""]),
                                  campaign=rng.choice(["autumn", "spring", ""]))
        elif choice == "reassign":
            engine.reassign_opportunity(deal.id, to="rep1" if deal.owner == "rep2" else "rep2", actor="manager")
        elif choice == "partner":
            other = engine.show_opportunity(rng.choice(deals).id)
            engine.edit_deal(deal.id, {"partner_id": other.partner_id}, actor="manager")
        else:
            engine.close_as_lost(deal.id, actor=deal.owner, reason_code="price")
        assert_kept(engine)
    engine.hand_over_partner(history["D"].partner_id, to="rep1", actor="manager")
    engine.reverse_swap(history["swap"].swap_id, actor="manager")
    assert assert_kept(engine) == 5 + len(made)
    with unit_of_work.read(engine.context) as session:
        everything = analysis._scope(session, "admin")
        by_currency = {t.currency for t in analysis_store.totals(session, everything, "stage")}
    assert by_currency == {"PLN", "EUR"}  # money kept per currency, never summed across


def test_the_migration_fills_the_kept_totals_from_the_deals_on_file(engine, clock, db_url):
    history = seed_history(engine, clock)
    engine.update_partner(history["D"].partner_id, actor="manager", industry="cafés", campaign="autumn")
    with unit_of_work.read(engine.context) as session:
        before = {v: [rows(analysis_store.totals(session, analysis._scope(session, v), g)) for g in GROUPINGS]
                  for v in VIEWERS}
    engine.close()
    raw = make_engine(db_url)
    command.downgrade(_alembic_config(raw), "0020")  # the kept totals go; the deals stay
    upgrade(raw)
    raw.dispose()
    again = Engine(db_url, clock=clock)
    try:
        assert assert_kept(again) == 5
        with unit_of_work.read(again.context) as session:
            after = {v: [rows(analysis_store.totals(session, analysis._scope(session, v), g)) for g in GROUPINGS]
                     for v in VIEWERS}
        assert after == before and any(after["admin"])
        with unit_of_work.read(again.context) as session:
            medians = analysis_store.cycle_medians(session, analysis._scope(session, "admin"))
        assert medians and all(days > 0 for days in medians.values())
    finally:
        again.close()
