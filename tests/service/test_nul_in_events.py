"""No NUL reaches events.data (issue 11): PostgreSQL's jsonb cannot hold ``\\u0000`` as
text, so one stored NUL made every ``data->>`` query over the events fail. Every use
case that writes an event from what someone typed refuses it, naming the field (a
FormError), or never finds a row for it (a NotFoundError) — on SQLite and PostgreSQL —
and afterwards a ``data->>`` query over every event still runs."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from engine.errors import FormError, NotFoundError
from tests.service.races import SWAP_TARGET, horeca_deal

NUL = "bad\x00value"
CLEANED = "cleaned"


@pytest.fixture
def deal(engine):
    engine.deploy(str(SWAP_TARGET), actor="admin")
    deal = horeca_deal(engine, "Bistro")
    engine.add_contact(deal.id, actor="rep1", name="Anna Nowak")
    return deal


def refusals(engine, deal):
    """(use case, call) for every event-writing use case, each given a NUL. The
    buying center's texts are cleaned of control characters instead (the person is
    "badvalue"): they are marked CLEANED."""
    task = deal.open_tasks[0]
    contact = engine.buying_center(deal.id, viewer="rep1").contacts[0]
    return [
        ("complete a task", lambda: engine.complete_task(task.id, actor="rep1", data={"amount": "1", "note": NUL})),
        ("complete a task (a key)", lambda: engine.complete_task(task.id, actor="rep1", data={NUL: "1"})),
        ("close as lost", lambda: engine.close_as_lost(deal.id, actor="manager", reason=NUL)),
        ("reassign a task", lambda: engine.reassign_task(task.id, to=NUL, actor="manager")),
        ("reassign a deal", lambda: engine.reassign_opportunity(deal.id, to=NUL, actor="manager")),
        (CLEANED, lambda: engine.add_contact(deal.id, actor="rep1", name=NUL, notes=NUL)),
        (CLEANED, lambda: engine.update_contact(contact.id, actor="rep1", job_title=NUL)),
        ("override the probability", lambda: engine.override_probability(deal.id, 40, actor="manager",
                                                                         reason=NUL)),
        ("answer a questionnaire", lambda: engine.answer_questionnaire(deal.id, "qualification",
                                                                       {"budget": NUL}, actor="rep1")),
        ("swap to a methodology", lambda: engine.swap_segment("horeca", NUL, actor="manager")),
        ("swap with a stage map", lambda: engine.swap_segment("horeca", "quick-deal", stage_map={"offer": NUL},
                                                              actor="manager")),
        ("swap a segment", lambda: engine.swap_segment(NUL, "quick-deal", actor="manager")),
    ]


def test_no_use_case_stores_a_nul_in_an_event_and_data_queries_over_events_still_run(engine, deal, db_url):
    for what, attempt in refusals(engine, deal):
        if what == CLEANED:
            cleaned = attempt()
            assert "\x00" not in f"{cleaned.name} {cleaned.job_title} {cleaned.notes}", cleaned
            continue
        with pytest.raises((FormError, NotFoundError)) as refused:
            attempt()
            pytest.fail(f"{what}: a NUL was taken")
        if isinstance(refused.value, FormError):
            assert any("NUL" in message for message in refused.value.fields.values()), (what, refused.value)
    done = engine.complete_task(deal.open_tasks[0].id, actor="rep1", data={"amount": "1"})
    assert done.stage_id == "offer"  # the refusals left the deal as it was
    # A suggested activity's note: quick-deal's proposal stage suggests checking the price list.
    engine.swap_segment("horeca", "quick-deal", stage_map={"offer": "proposal"}, actor="manager")
    (activity,) = [t for t in engine.show_opportunity(deal.id).open_tasks if t.kind == "activity"]
    with pytest.raises(FormError) as refused:
        engine.complete_activity(activity.id, actor="rep1", note=NUL)
    assert "NUL" in refused.value.fields["note"]
    engine.complete_activity(activity.id, actor="rep1", note="checked")

    total, reasons, with_nul = events_queried(db_url)
    assert total == len(engine.show_opportunity(deal.id).events) and reasons == 0 and with_nul == 0


def events_queried(db_url):
    """(events, events with a reason, events whose JSON holds an escaped NUL) — with
    PostgreSQL's ``data->>`` (and a cast to jsonb, which refuses \\u0000 anywhere in a
    document), or SQLite's json_extract."""
    database = create_engine(db_url)
    try:
        with database.connect() as connection:
            if database.dialect.name == "postgresql":
                query = ("SELECT count(*), count(data->>'reason'), count(data::jsonb->>'reason'), "
                         "count(*) FILTER (WHERE strpos(data::text, :nul) > 0) FROM events")
            else:
                query = ("SELECT count(*), count(json_extract(data, '$.reason')), "
                         "count(json_extract(data, '$.reason')), "
                         "count(CASE WHEN instr(data, :nul) > 0 THEN 1 END) FROM events")
            total, reasons, same, with_nul = connection.execute(text(query), {"nul": "\\u0000"}).one()
    finally:
        database.dispose()
    assert reasons == same
    return total, reasons, with_nul
