"""A rep's inbox read as its two arms (issue 16): the READY tasks assigned to them and
those waiting unclaimed in one of their teams' queues. The arms are disjoint (an
assignee, or none), so their UNION ALL is the visible set exactly, and each arm is
answered from its own partial index alone (migration 0029), where the single
``mine OR queued`` condition made PostgreSQL visit every visible task's heap page
(a BitmapOr) and, for the counts, hash every deal of the company (bench/load.py's
database: 10,001 deals scanned for a rep's 625 tasks).

- ``ix_tasks_ready_mine`` (assignee_id, due_at, created_at, id, opportunity_id)
  WHERE status = 'ready'
- ``ix_tasks_queued_team_due`` (candidate_team_id, due_at, created_at, id,
  opportunity_id) WHERE status = 'ready' AND assignee_id IS NULL
- ``ix_opportunities_inbox_stage`` (id, stage_id, methodology_version_id)

The counts join each visible task's deal through the last one (index only), the page
takes the first ``offset + limit`` of each arm in index order, keeps ``limit`` of
those and only then reads those tasks' rows. Used for a rep (no managed deals, not
everything) without filters, and for the page in the default order (due first,
ascending); every other inbox takes the general statements of engine.store.inbox."""

from __future__ import annotations

from sqlalchemy import Integer, bindparam, case, func, literal, literal_column, select, union_all

from engine.store.models import InboxTask, Opportunity

# A literal, not a bound parameter: a partial index serves a statement only if its
# WHERE implies the index's, which PostgreSQL cannot tell of a parameter in a generic
# (prepared) plan — and psycopg prepares a statement once run five times.
_READY = InboxTask.status == literal_column("'ready'")


def _arms(mine, queued, *columns):
    """(the rep's own READY tasks, those queued for their teams) selecting ``columns``."""
    return (select(*columns).where(mine, _READY),
            select(*columns).where(queued, _READY))


def groups_statement(mine, queued, now):
    """Per (stage, version): visible, mine, queued, overdue — as engine.store.inbox.groups."""
    own, waiting = _arms(mine, queued, InboxTask.opportunity_id, InboxTask.due_at)
    # OFFSET 0: a fence. While a table's visibility map is not yet set (rows written
    # since its last VACUUM: a bulk load, a busy day) the index-only scans are costed
    # as heap reads, and PostgreSQL planned this as a Parallel Append under a Gather
    # Merge — two worker processes started for a few hundred index entries. A
    # subquery with an OFFSET is not run in parallel.
    visible = union_all(own.add_columns(literal(1, Integer).label("mine")),
                        waiting.add_columns(literal(0, Integer).label("mine"))).offset(0).subquery("visible")
    count = func.count()
    return (select(Opportunity.stage_id, Opportunity.methodology_version_id, count,
                   func.sum(visible.c.mine), count - func.sum(visible.c.mine),
                   func.sum(case((visible.c.due_at < now, 1), else_=0)))
            .select_from(visible).join(Opportunity, Opportunity.id == visible.c.opportunity_id)
            .group_by(Opportunity.stage_id, Opportunity.methodology_version_id))


def page_ids(mine, queued):
    """The ids (with due and created) of one page in the default order, chosen among
    the first ``inbox_limit + inbox_offset`` of each arm."""
    first = bindparam("inbox_first", type_=Integer)  # offset + limit
    columns = (InboxTask.id, InboxTask.due_at, InboxTask.created_at)
    order = (InboxTask.due_at.asc().nulls_last(), InboxTask.created_at, InboxTask.id)
    own, waiting = _arms(mine, queued, *columns)
    # Each arm as a subquery: SQLite takes no ORDER BY / LIMIT on a UNION's member.
    arms = [select(*arm.order_by(*order).limit(first).subquery().c) for arm in (own, waiting)]
    both = union_all(*arms).subquery("arms")
    return (select(both.c.id, both.c.due_at, both.c.created_at)
            .order_by(both.c.due_at.asc().nulls_last(), both.c.created_at, both.c.id)
            .limit(bindparam("inbox_limit", type_=Integer)).offset(bindparam("inbox_offset", type_=Integer))
            .subquery("page_ids"))


def is_plain_rep(shape: tuple) -> bool:
    """Whether a Visibility.shape is a rep's: their tasks and their teams' queues only."""
    _, everything, managed = shape
    return not everything and not managed
