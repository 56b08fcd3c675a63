"""Keeping the pipeline analysis's stage figures (``engine.store.stage_totals``):
the unit of work replaces the parts of the deals a use case marked, with the stage
positions and outcomes of their methodology versions from the catalog, just before
it commits; ``rebuild`` fills them anew (the migration that adds them, the bench)."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from engine.service.catalog import Catalog
from engine.store import stage_totals as store


def replace_marked(catalog: Catalog, session: Session) -> None:
    marked = store.take_marked(session)
    if marked:
        store.replace(session, marked, _positions(catalog, session))


def rebuild(connection: Connection) -> int:
    """Every deal's part and the sums anew, over ``connection`` (in its transaction);
    how many parts."""
    with Session(bind=connection) as session:
        return store.rebuild(session, _positions(Catalog(), session))


def _positions(catalog: Catalog, session: Session):
    def of(version_id: int):
        _, methodology = catalog.version(session, version_id)
        return {(version_id, s.id): (s.position, s.outcome) for s in methodology.stages}
    return of
