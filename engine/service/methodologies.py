"""Deployed methodologies: deploying new versions, and reading their files back."""

from __future__ import annotations

from engine.errors import MethodologyError, NotFoundError
from engine.service import unit_of_work
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.views import DeployReport
from engine.store.versions import deployed_files, deployed_labels


def deploy(ctx: ServiceContext, path: str, actor: str | None = None, *, force: bool = False) -> DeployReport:
    """Validate the methodology files under ``path`` and store what changed as new,
    immutable versions; running opportunities stay on the version they started on.
    Changed files under a ``version:`` label already deployed are refused (nothing is
    stored) unless ``force``."""
    from engine.service.validation import load_methodologies

    result = load_methodologies(path)
    if result.problems:
        raise MethodologyError(result.problems)
    now = ctx.now()

    def work(session: Session) -> DeployReport:
        return ctx.catalog.deploy(session, result, path, actor, now, force=force)

    return unit_of_work.run(ctx, work, duplicate="someone else deployed the same files at the same time; "
                                                 "deploy again")


def methodology_files(ctx: ServiceContext, methodology_id: str, version: str | None = None) -> dict[str, str]:
    """The files (relative path -> text) a deployed version of a methodology was
    made of: the one with the designer's ``version`` label (deployed last, if the
    label was deployed twice), or without it the version new deals start on."""
    with unit_of_work.quick_read(ctx) as session:
        files = deployed_files(session, methodology_id, version)
        if files is not None:
            return files
        labels = deployed_labels(session, methodology_id)
    wanted = f"{methodology_id}@{version}" if version else methodology_id
    if not labels:
        raise NotFoundError(f"methodology '{wanted}' is not deployed; run 'dealflow deploy'")
    raise NotFoundError(f"methodology '{wanted}' is not deployed; deployed versions: {', '.join(labels)}")
