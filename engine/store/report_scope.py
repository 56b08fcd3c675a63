"""``engine.rules.report_scope``'s Scope as a SQL condition, over any table that
has a deal's owner, manager and team columns (opportunities, daily snapshots):
the same test as ``Scope.covers``, so a report, the warnings board and a past
day's pipeline count the same deals."""

from __future__ import annotations

from sqlalchemy import false, or_

from engine.rules.report_scope import Scope


def where_in_scope(query, scope: Scope, owner_id, manager_id, team_id):
    """``query`` limited to the rows whose (owner_id, manager_id, team_id) columns
    ``scope`` covers."""
    if scope.nothing:
        return query.where(false())
    if scope.everything:
        return query
    if not scope.managed:
        return query.where(owner_id == scope.user_id)
    people = sorted(scope.people)
    either = [owner_id.in_(people), manager_id.in_(people)]
    if scope.team_ids:
        either.append(team_id.in_(sorted(scope.team_ids)))
    return query.where(or_(*either))
