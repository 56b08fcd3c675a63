"""The deals lists (issue 15): "My deals" (the deals one owns) and "Team deals"
(every deal the viewer's report scope covers, engine.service.report_scope: a manager
the deals of everyone below them and of the teams they lead, a designer or admin
all, a rep still only theirs), searched, filtered,
sorted and paged in one query (engine.store.deal_search)."""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

from engine.errors import NotFoundError
from engine.rules import deal_query, policy
from engine.rules.methodology_labels import methodology_choices
from engine.rules.deal_query import DealQuery
from engine.service import unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.report_scope import scope_for
from engine.store import deal_search
from engine.store import people
from engine.views.deals import CurrencySum, DealListPage


def deals(ctx: ServiceContext, viewer: str, params: Mapping[str, object] | DealQuery | None = None) -> DealListPage:
    """``params``: a DealQuery or query parameters (engine.rules.deal_query); a
    FormError names every parameter that does not fit."""
    query = params if isinstance(params, DealQuery) else deal_query.parse(params or {})
    with unit_of_work.quick_read(ctx) as session:
        user = people.user(session, viewer)
        actor = visibility.actor_of(session, user)
        may_see_team = actor.role is not policy.Role.REP
        scope_name = query.scope or ("team" if may_see_team else "mine")
        scope = deal_search.owner_scope(user.id) if scope_name == "mine" else scope_for(session, user)
        choices = deal_search.choices(session, scope)
        version_ids = set(choices.version_ids)
        versions = {v: ctx.catalog.version(session, v) for v in version_ids}
        positions = {(vid, stage.id): n for vid, (_, m) in versions.items() for n, stage in enumerate(m.stages)}
        rows, total, totals = deal_search.search(session, scope, query, positions)
        versions.update((v, ctx.catalog.version(session, v)) for v in {r.methodology_version_id for r in rows}
                        if v not in versions)
        segment_names = _segment_names(ctx, session)
    names = {(vid, s.id): s.name for vid, (_, m) in versions.items() for s in m.stages}
    stage_choices = {}
    for vid in sorted(version_ids):
        for stage in versions[vid][1].stages:
            stage_choices.setdefault(stage.id, stage.name)
    return DealListPage(
        rows=tuple(replace(r, stage_name=names.get((r.methodology_version_id, r.stage_id)),
                           methodology_name=versions[r.methodology_version_id][1].name,
                           segment_name=segment_names.get(r.segment_id, r.segment_id)) for r in rows),
        total=total, page=query.page, per_page=query.per_page, scope=scope_name,
        totals=tuple(CurrencySum(c, n, a) for c, n, a in totals), filters=query.as_query(),
        sort=query.sort, descending=query.descending, stages=tuple(stage_choices.items()),
        methodologies=choices.methodologies, owners=choices.owners, segments=choices.segments,
        segment_choices=tuple(sorted(((s, segment_names.get(s, s)) for s in choices.segments),
                                     key=lambda choice: (choice[1].casefold(), choice[0]))),
        methodology_choices=methodology_choices(
            (versions[v][0].methodology_id, versions[v][1].name, versions[v][0].label) for v in sorted(version_ids)),
        may_see_team=may_see_team)


def _segment_names(ctx: ServiceContext, session) -> dict[str, str]:
    """Segment id -> its name in the routing rules deployed last; a deal's segment that
    those rules no longer have keeps its id (the caller falls back to it)."""
    try:
        routing = ctx.catalog.routing(session)
    except NotFoundError:  # no routing deployed (deals imported or opened before any)
        return {}
    return {segment.id: segment.name for segment in routing.segments}
