"""What a manager chooses from when mapping the stages of a segment swap: frozen, plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from engine.views.opportunities import OpportunityView


@dataclass(frozen=True)
class SwapStage:
    id: str
    name: str
    open_deals: int  # the segment's open deals in this stage that a swap would consider


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
