"""A rep's unfiltered inbox read as two arms (engine.store.inbox_arms, issue 16): the
same tasks, order, pages and counts as the visibility rules say — their READY tasks
and the unclaimed READY ones of their teams, earliest due first, no due date last,
then created, then id — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import create_engine, insert, select, text

from engine.store.models import InboxTask


def test_a_reps_inbox_pages_and_counts_follow_the_visibility_rules(engine, clock):
    deals = [engine.create_opportunity(title=f"Deal {n}", amount="1000.00", currency="PLN", partner="Bistro",
                                       attributes={"channel": "retail"}, actor="manager") for n in range(3)]
    now = clock.now
    database = create_engine(engine.url)
    with database.begin() as connection:
        users = dict(connection.execute(text("SELECT username, id FROM users")).all())
        teams = dict(connection.execute(text("SELECT name, id FROM teams")).all())
        template = dict(connection.execute(select(InboxTask.__table__)
                                           .where(InboxTask.opportunity_id == deals[0].id)).mappings().first())
        rows = []
        # (assignee, queue, status, due in hours or None, created hours ago); rep1 is in
        # sales and horeca, not in others.
        for n, (assignee, team, status, due, created) in enumerate([
                ("rep1", None, "ready", 5, 1), ("rep1", None, "ready", None, 2), ("rep1", None, "ready", -3, 1),
                ("rep1", "sales", "ready", 5, 1), ("rep1", None, "completed", -9, 1),
                (None, "sales", "ready", 5, 1), (None, "horeca", "ready", -1, 3), (None, "horeca", "ready", None, 1),
                (None, "sales", "ready", 5, 1), (None, "horeca", "cancelled", -9, 1),
                (None, "others", "ready", -9, 1), ("rep2", "sales", "ready", -9, 1), ("rep2", None, "ready", -9, 1),
                ("rep1", None, "ready", 5, 1), (None, "sales", "ready", 2, 4)]):
            rows.append({**template, "id": f"00000000-0000-4000-8000-{n:012d}", "opportunity_id": deals[n % 3].id,
                         "assignee_id": users[assignee] if assignee else None,
                         "candidate_team_id": teams[team] if team else None, "status": status,
                         "due_at": None if due is None else now + timedelta(hours=due),
                         "created_at": now - timedelta(hours=created)})
        connection.execute(insert(InboxTask.__table__), rows)
        stored = connection.execute(select(InboxTask.id, InboxTask.assignee_id, InboxTask.candidate_team_id,
                                           InboxTask.status, InboxTask.due_at, InboxTask.created_at,
                                           InboxTask.opportunity_id)).all()
    database.dispose()

    rep1, queues = users["rep1"], {teams["sales"], teams["horeca"]}
    visible = [r for r in stored if r.status == "ready" and (
        r.assignee_id == rep1 or (r.assignee_id is None and r.candidate_team_id in queues))]
    expected = [r.id for r in sorted(visible, key=lambda r: (r.due_at is None, r.due_at or now, r.created_at, r.id))]
    assert len(expected) == 12  # 7 rep1's (the deals' own first tasks included) + 5 queued

    first = engine.inbox("rep1", per_page=5)
    seen = [t.id for page in range(1, 4) for t in engine.inbox("rep1", page=page, per_page=5).tasks]
    assert seen == expected  # across the pages, where the two arms interleave
    mine = sum(1 for r in visible if r.assignee_id == rep1)
    overdue = sum(1 for r in visible if r.due_at is not None and r.due_at < now)
    assert (first.total, first.mine, first.queued, first.team, first.overdue) == (12, mine, 12 - mine, 0, overdue)
    assert (mine, overdue) == (7, 2)
    # The general statements (a search every deal's title matches) say the same.
    everything = engine.inbox("rep1", {"q": "deal", "per_page": "50"})
    assert [t.id for t in everything.tasks] == expected
    assert (everything.total, everything.mine, everything.overdue) == (first.total, first.mine, first.overdue)
    filtered = engine.inbox("rep1", {"assignee": "queue"})
    assert filtered.total == 5 and [t.id for t in filtered.tasks] == [i for i in expected if i in
                                                                     {r.id for r in visible if r.assignee_id is None}]
    assert first.stages == everything.stages and first.methodologies == everything.methodologies
    queued = {t.id: t.may_claim for t in first.tasks}
    assert all(may == (next(r for r in visible if r.id == i).assignee_id is None) for i, may in queued.items())
