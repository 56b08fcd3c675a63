"""The queries a signal broadcast needs (engine.service.signals): which methodology
versions there are, and the open deals on some of them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.models import MethodologyVersion, Opportunity


def version_ids(session: Session) -> list[int]:
    return list(session.scalars(select(MethodologyVersion.id).order_by(MethodologyVersion.id)))


def open_deals_on(session: Session, version_ids: list[int]) -> list[int]:
    """Ids of the open deals on these methodology versions, in id order (the order a
    broadcast locks them in, so two broadcasts never wait for each other in a circle)."""
    if not version_ids:
        return []
    return list(session.scalars(select(Opportunity.id).where(
        Opportunity.status == "open", Opportunity.methodology_version_id.in_(version_ids)).order_by(Opportunity.id)))
