"""What a manager chooses from when mapping the stages of a segment swap, and the
rows of its preview: frozen, plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from engine.views.opportunities import OpportunityView
from engine.views.segments import SwapReport


@dataclass(frozen=True)
class SwapStage:
    id: str
    name: str
    open_deals: int  # the segment's open deals in this stage that a swap would consider


@dataclass(frozen=True)
class PreviewRow:
    """One deal of a swap's preview as the page shows it: names only."""

    id: int
    title: str  # '#id' for a deal the options did not list (one that changed meanwhile)
    partner_name: str
    owner_name: str  # the owner's display name (the username where none is set); '' none
    stage_name: str  # the stage it is in, as its own methodology names it; '' none
    to_stage_name: str = ""  # where the swap takes it, as the new methodology names it
    why_not: str = ""  # why it stays, with names (NotMoved.explanation)


@dataclass(frozen=True)
class SwapOptions:
    """The stages of a segment's current methodology (with their open deals) and of
    the target methodology's open stages, by name, the target stage offered for each,
    and the deals a swap would consider."""

    segment_id: str
    from_methodology: str  # "id@label"
    to_methodology: str
    from_stages: tuple[SwapStage, ...]  # current methodology's stages, then any other stage a deal sits in
    to_stages: tuple[SwapStage, ...]  # the target's open stages (open_deals: 0)
    deals: tuple[OpportunityView, ...]  # the segment's open deals not on the target version
    # from stage id -> the target stage offered for it (same id, else same name; '' none):
    # engine.rules.swap_plan.suggested_targets
    suggested: Mapping[str, str] = field(default_factory=dict)
    owner_names: Mapping[str, str] = field(default_factory=dict)  # username -> display name of the deals' owners
    segment_name: str = ""  # as the routing rules name the segment

    def preview(self, report: SwapReport) -> tuple[tuple[PreviewRow, ...], tuple[PreviewRow, ...]]:
        """(the deals the dry run ``report`` moves, those it leaves where they are), by
        name: every listed deal the report does not keep goes where the report's move
        from its stage goes; those kept, in the report's order, with the reason."""
        staying = {i for n in report.not_moved for i in n.opportunity_ids}
        to = {m.from_stage: m.to_stage for m in report.moves}
        to_names = {s.id: s.name for s in self.to_stages}
        moving = tuple(self._row(d.id, d, to_stage_name=to_names.get(to.get(d.stage_id), to.get(d.stage_id) or ""))
                       for d in self.deals if d.id not in staying)
        by_id = {d.id: d for d in self.deals}
        stays = tuple(self._row(i, by_id.get(i), why_not=n.explanation or n.reason)
                      for n in report.not_moved for i in n.opportunity_ids)
        return moving, stays

    def _row(self, opportunity_id: int, deal: OpportunityView | None, **shown) -> PreviewRow:
        if deal is None:
            return PreviewRow(opportunity_id, f"#{opportunity_id}", "", "", "", **shown)
        return PreviewRow(deal.id, deal.title, deal.partner_name,
                          self.owner_names.get(deal.owner, deal.owner) if deal.owner else "",
                          deal.stage_name or deal.stage_id or "", **shown)
