"""The manager's pipeline page: their open deals grouped per methodology, each
methodology's stages per deployed version in funnel order, every amount summed per
currency. Two methodologies may both have a stage 'negotiation'; after a swap a
segment's deals run on two versions: neither is a reason to merge rows, and EUR is
never added to PLN."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Iterable

from engine.rules import money
from engine.rules import policy
from engine.service import unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.store import opportunities as opportunity_store
from engine.store import people
from engine.views import OpportunityView
from engine.views.opportunities import CurrencyTotal, PipelineMethodology, PipelineStage, PipelineView

UNKNOWN_POSITION = 10_000  # a stage the version no longer names sorts last


def pipeline(ctx: ServiceContext, username: str) -> PipelineView:
    """The open deals in the viewer's report scope (engine.rules.report_scope: a
    manager's own, their teams' and everyone's below them; an admin: all) — the
    deals their lists and reports count — read set-based."""
    with unit_of_work.read(ctx) as session:
        user = people.user(session, username)
        actor = visibility.actor_of(session, user)
        policy.require(policy.may_see_pipeline(actor), "the pipeline is for managers")
        ids = opportunity_store.open_opportunity_ids(session, visibility.scope_of(session, user))
        deals = opportunity_store.opportunity_views(session, ids, ctx.catalog)
        versions = {v: ctx.catalog.version(session, v) for v in {d.methodology_version_id for d in deals}}
    positions = {vid: {s.id: s.position for s in methodology.stages} for vid, (_, methodology) in versions.items()}
    names = {vid: methodology.name for vid, (_, methodology) in versions.items()}
    by_methodology: dict[str, list[OpportunityView]] = defaultdict(list)
    for deal in deals:
        by_methodology[deal.methodology_id].append(deal)
    groups = []
    for methodology_id in sorted(by_methodology, key=lambda m: (_name(by_methodology[m], names).lower(), m)):
        members = by_methodology[methodology_id]

        def place(d: OpportunityView) -> tuple:
            return (d.methodology_version_id, positions[d.methodology_version_id].get(d.stage_id, UNKNOWN_POSITION))

        members.sort(key=lambda d: (*place(d), d.id))
        stages = []
        for key in sorted({(*place(d), d.stage_id) for d in members}, key=lambda k: (k[0], k[1], k[2] or "")):
            version_id, _, stage_id = key
            in_stage = [d for d in members if d.methodology_version_id == version_id and d.stage_id == stage_id]
            stages.append(PipelineStage(
                stage_id=stage_id, stage_name=in_stage[0].stage_name or "—", count=len(in_stage),
                totals=currency_totals(in_stage), methodology_id=methodology_id,
                methodology_version_id=version_id, version_label=in_stage[0].methodology_label))
        groups.append(PipelineMethodology(
            methodology_id=methodology_id, name=_name(members, names), stages=tuple(stages),
            opportunities=tuple(members), totals=currency_totals(members),
            several_versions=len({d.methodology_version_id for d in members}) > 1))
    return PipelineView(methodologies=tuple(groups), totals=currency_totals(deals))


def currency_totals(deals: Iterable[OpportunityView]) -> tuple[CurrencyTotal, ...]:
    """Amount and expected revenue per currency, alphabetically; never one sum."""
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for deal in deals:
        amounts[deal.currency] += deal.amount
        expected[deal.currency] += money.weighted(deal.amount, deal.probability)  # exact; rounded once below
    return tuple(CurrencyTotal(c, amounts[c], money.cents(expected[c])) for c in sorted(amounts))


def _name(members: list[OpportunityView], names: dict[int, str]) -> str:
    newest = max(members, key=lambda d: d.methodology_version_id)
    return names.get(newest.methodology_version_id) or newest.methodology_id
