"""The inbox, team queues, who may see what, passwords, tokens and the pipeline."""

import threading

import pytest

from engine.errors import ConflictError, NotFoundError, PermissionDeniedError
from tests.conftest import make_engine, queue_methodology


def open_deal(engine, channel="retail", **attributes):
    return engine.create_opportunity(title=f"Deal {channel}", amount="1000.00", partner="P",
                                     attributes={"channel": channel, **attributes}, actor="manager")


@pytest.fixture
def queue_engine(db_url, clock, tmp_path):
    """The base methodology with the manager lane going to the team's queue."""
    engine = make_engine(db_url, clock, queue_methodology(tmp_path))
    yield engine
    engine.close()


def test_a_reps_inbox_holds_their_tasks_earliest_due_first_with_counts(engine, clock):
    first = open_deal(engine)           # rep1
    open_deal(engine)                   # rep2
    clock.advance(hours=1)
    third = open_deal(engine)           # rep1, due an hour later
    page = engine.inbox("rep1")
    assert [t.opportunity_id for t in page.tasks] == [first.id, third.id]
    assert (page.total, page.mine, page.queued, page.overdue) == (2, 2, 0, 0)
    clock.advance(days=3)
    assert engine.inbox("rep1").overdue == 2


def test_the_inbox_filters_by_stage_and_methodology_and_pages(engine):
    deals = [open_deal(engine) for _ in range(6)]
    engine.complete_task(deals[0].open_tasks[0].id, actor="rep1", data={"amount": "5"})
    page = engine.inbox("manager", per_page=2, page=2)
    assert (page.total, page.pages, len(page.tasks)) == (6, 3, 2)
    assert dict(page.stages) == {"qualification": "Kwalifikacja", "offer": "Oferta"}
    assert page.methodologies == ("small-deal",)
    offers = engine.inbox("manager", stage="offer")
    assert [t.node_id for t in offers.tasks] == ["Task_Offer"]
    assert engine.inbox("manager", methodology="other").total == 0


def test_a_manager_sees_the_tasks_on_deals_they_are_responsible_for(engine):
    open_deal(engine)
    page = engine.inbox("manager")
    assert (page.total, page.mine, page.team) == (1, 0, 1)
    assert engine.inbox("manager2").total == 0


def test_a_queued_task_is_claimed_by_one_member_and_can_be_released(queue_engine, clock):
    deal = open_deal(queue_engine)
    clock.advance(days=4)
    queue_engine.fire_due_timers()
    chase = next(t for t in queue_engine.inbox("rep2").tasks if t.node_id == "Task_Chase")
    assert chase.claimable and queue_engine.inbox("rep2").queued == 1
    claimed = queue_engine.claim_task(chase.id, actor="rep2")
    assert claimed.assignee == "rep2" and not claimed.claimable
    assert chase.id not in {t.id for t in queue_engine.inbox("rep1").tasks if t.node_id == "Task_Chase"}
    with pytest.raises(ConflictError, match="already claimed by rep2"):
        queue_engine.claim_task(chase.id, actor="rep1")
    with pytest.raises((PermissionDeniedError, NotFoundError)):  # claimed: no longer rep1's to do
        queue_engine.complete_task(chase.id, actor="rep1", data={"chase_action": "x"})
    with pytest.raises(PermissionDeniedError):
        queue_engine.release_task(chase.id, actor="rep1")
    assert queue_engine.release_task(chase.id, actor="rep2").claimable
    with pytest.raises(NotFoundError):
        queue_engine.claim_task(chase.id, actor="rep3")  # not their team: it does not exist for them
    assert deal.id


def test_two_simultaneous_claims_let_exactly_one_win(queue_engine, clock, db_url):
    from engine.service import Engine

    open_deal(queue_engine)
    clock.advance(days=4)
    queue_engine.fire_due_timers()
    chase = next(t for t in queue_engine.inbox("rep1").tasks if t.node_id == "Task_Chase")
    engines = [Engine(db_url, clock=clock), Engine(db_url, clock=clock)]
    barrier, outcomes = threading.Barrier(2), []

    def claim(engine, who):
        barrier.wait()
        try:
            outcomes.append(engine.claim_task(chase.id, actor=who).assignee)
        except (ConflictError, NotFoundError) as err:
            # The barrier does not make the two transactions overlap: a loser that starts
            # after the winner committed finds the task claimed by a teammate, which its
            # inbox no longer shows (NotFoundError); one that overlapped waits for the
            # deal's lock and finds it claimed (ConflictError). Both lose, nothing else.
            outcomes.append(err)

    threads = [threading.Thread(target=claim, args=(e, w)) for e, w in zip(engines, ("rep1", "rep2"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in engines:
        e.close()
    winners = [o for o in outcomes if isinstance(o, str)]
    assert len(winners) == 1 and len(outcomes) == 2
    assert queue_engine.task(chase.id, viewer="admin").assignee == winners[0]


def test_a_rep_cannot_see_another_reps_deal_or_task(engine):
    deal = open_deal(engine)  # rep1's
    with pytest.raises(NotFoundError):
        engine.opportunity_for(deal.id, viewer="rep3")
    with pytest.raises(NotFoundError):
        engine.task(deal.open_tasks[0].id, viewer="rep3")
    assert engine.opportunity_for(deal.id, viewer="rep1").id == deal.id
    assert engine.opportunity_for(deal.id, viewer="manager").id == deal.id
    with pytest.raises(NotFoundError):
        engine.opportunity_for(deal.id, viewer="manager2")


def test_passwords_are_hashed_and_checked(engine):
    engine.create_user("anna", "rep", password="correct horse")
    assert engine.authenticate("anna", "correct horse").username == "anna"
    for name, password in (("anna", "wrong password"), ("nobody", "correct horse")):
        with pytest.raises(PermissionDeniedError, match="wrong username or password"):
            engine.authenticate(name, password)
    with pytest.raises(PermissionDeniedError):
        engine.authenticate("rep1", "")  # a user without a password cannot log in


def test_an_api_token_identifies_its_user_and_is_stored_only_as_a_hash(engine, db_url):
    from sqlalchemy import create_engine, text

    token = engine.create_token("rep1")
    assert engine.user_for_token(token).username == "rep1"
    with pytest.raises(PermissionDeniedError):
        engine.user_for_token(token + "x")
    database = create_engine(db_url)
    with database.connect() as connection:
        stored = connection.execute(text("SELECT token_hash FROM api_tokens")).scalars().all()
    database.dispose()
    assert token not in stored and len(stored) == 1


def test_the_pipeline_counts_a_managers_open_deals_per_stage_in_funnel_order(engine):
    deals = [open_deal(engine) for _ in range(3)]
    engine.complete_task(deals[0].open_tasks[0].id, actor="rep1", data={"amount": "5"})
    pipeline = engine.pipeline("manager")
    assert [(s.stage_id, s.count) for s in pipeline.stages] == [("qualification", 2), ("offer", 1)]
    assert [(t.currency, t.expected_revenue) for t in pipeline.stages[0].totals] == [("PLN", 400)]  # 2 x 1000 x 20 %
    assert engine.pipeline("manager2").opportunities == ()
    with pytest.raises(PermissionDeniedError):
        engine.pipeline("rep1")
