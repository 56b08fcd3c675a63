"""Keeping the pipeline analysis's stage figures (``engine.store.stage_totals``):
the unit of work replaces the parts of the deals a use case marked, with the stage
positions and outcomes of their methodology versions from the catalog, just before
it commits. (Filling them anew for a history on file — the migration that adds
them, the bench — is ``engine.store.stage_totals.rebuild_on``.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.store import stage_totals as store

if TYPE_CHECKING:  # the catalog's module imports the unit of work, which imports this one
    from engine.service.catalog import Catalog


def replace_marked(catalog: Catalog, session) -> None:
    marked, moved = store.take_marked(session)
    if marked:
        store.replace(session, marked, _positions(catalog, session), moved)


def _positions(catalog: Catalog, session):
    def of(version_id: int):
        _, methodology = catalog.version(session, version_id)
        return {(version_id, s.id): (s.position, s.outcome) for s in methodology.stages}
    return of
