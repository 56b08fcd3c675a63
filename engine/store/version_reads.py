"""What the methodology screens read about deployed versions: one row per version
(without its files and spec, which are large) and how many open deals follow each."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.store.models import MethodologyVersion, Opportunity


class VersionFacts(NamedTuple):
    id: int
    methodology_id: str
    label: str
    deployed_at: datetime
    deployed_by: str | None
    activation: int


def all_versions(session: Session) -> list[VersionFacts]:
    """Every deployed version, by methodology, oldest first."""
    rows = session.execute(select(
        MethodologyVersion.id, MethodologyVersion.methodology_id, MethodologyVersion.label,
        MethodologyVersion.deployed_at, MethodologyVersion.deployed_by, MethodologyVersion.activation)
        .order_by(MethodologyVersion.methodology_id, MethodologyVersion.id))
    return [VersionFacts(*row) for row in rows]


def open_deals_per_version(session: Session) -> dict[int, int]:
    rows = session.execute(select(Opportunity.methodology_version_id, func.count())
                           .where(Opportunity.status == "open").group_by(Opportunity.methodology_version_id))
    return {version_id: count for version_id, count in rows}
