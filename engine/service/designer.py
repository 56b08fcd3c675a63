"""The designer's screens (issue 15): the deployed methodologies with their versions,
validating the server's methodologies folder, deploying it from the web (the same
use case as ``dealflow deploy``), and the difference between two deployed versions
(the same core diff as ``dealflow diff``). Designers and admins only."""

from __future__ import annotations

import os
import re

from engine.errors import MethodologyError, NotFoundError
from engine.methodology.diff import diff_methodologies
from engine.methodology.model import Methodology
from engine.methodology.problems import Problem
from engine.rules import policy
from engine.service import external_tasks, methodologies, segments, unit_of_work, visibility
from engine.service.context import ServiceContext
from engine.service.unit_of_work import Session
from engine.store import admin_events, people, version_reads
from engine.views import DeployReport
from engine.views.external_tasks import WorkerTokenView
from engine.views.designer import DiffLine, MethodologyRow, ValidationReport, VersionDiff, VersionRow


def _require(session: Session, username: str, what: str) -> int:
    user = people.user(session, username)
    policy.require(policy.may_deploy(visibility.actor_of(session, user)),
                   f"only designers and admins {what}")
    return user.id


def _rows(ctx: ServiceContext, session: Session) -> dict[str, MethodologyRow]:
    facts = version_reads.all_versions(session)
    counts = version_reads.open_deals_per_version(session)
    routed: dict[int, list[str]] = {}
    for segment in segments.list_segments(ctx, viewer=None):
        routed.setdefault(segment.version_id, []).append(segment.name or segment.id)
    by_methodology: dict[str, list] = {}
    for row in facts:
        by_methodology.setdefault(row.methodology_id, []).append(row)
    names = {u.username: u.display_name for u in people.users(session)}  # who deployed, by name
    result = {}
    for methodology_id, rows in sorted(by_methodology.items()):
        current = max(rows, key=lambda r: r.activation).id
        versions = tuple(VersionRow(r.id, number, r.label, r.deployed_at,
                                    names.get(r.deployed_by, r.deployed_by), counts.get(r.id, 0),
                                    tuple(sorted(routed.get(r.id, ()))), r.id == current)
                         for number, r in reversed(list(enumerate(rows, start=1))))
        _, methodology = ctx.catalog.version(session, current)
        result[methodology_id] = MethodologyRow(methodology_id, methodology.name, versions)
    return result


def methodologies_overview(ctx: ServiceContext, *, viewer: str) -> list[MethodologyRow]:
    """Every deployed methodology with its versions, newest first."""
    with unit_of_work.read(ctx) as session:
        _require(session, viewer, "see the deployed methodologies")
        return list(_rows(ctx, session).values())


def validate_folder(ctx: ServiceContext, path: str, *, viewer: str) -> ValidationReport:
    """Every problem of the methodology files under ``path`` (nothing is stored)."""
    from engine.service.validation import load_methodologies

    with unit_of_work.quick_read(ctx) as session:
        _require(session, viewer, "validate methodologies")
    result = load_methodologies(path)
    if result.problems:
        return ValidationReport(path, tuple(str(p) for p in relative(result.problems, path)), len(result.files), "")
    lib = result.library
    return ValidationReport(path, (), len(result.files),
                            f"{len(result.files)} files valid: {len(lib.methodologies)} methodologies, "
                            f"{sum(len(r.segments) for r in lib.routing)} segments")


def deploy_folder(ctx: ServiceContext, path: str, *, actor: str) -> DeployReport:
    """``dealflow deploy`` from the web: the designer's or admin's check, then the same
    use case (MethodologyError with every problem, nothing stored, when a file is wrong);
    the deploy is audited with what it stored."""
    with unit_of_work.quick_read(ctx) as session:
        _require(session, actor, "deploy methodologies")
    try:
        report = methodologies.deploy(ctx, path, actor)
    except MethodologyError as err:
        raise MethodologyError(relative(err.problems, path)) from None
    stored = [f"{v.methodology_id}@{v.label}" for v in report.versions if v.new]

    def audit(session: Session) -> None:
        admin_events.record(session, "methodologies_deployed", actor_id=people.user_id(session, actor),
                            at=ctx.now(), subject=", ".join(stored) or "nothing new",
                            routing_changed=report.routing_changed)

    unit_of_work.run(ctx, audit)
    return report


def relative(problems, folder: str) -> tuple[Problem, ...]:
    """The problems with their paths inside the methodologies folder."""
    prefix = os.path.join(os.path.abspath(folder), "")
    return tuple(Problem(os.path.relpath(p.path, folder), p.line, p.message)
                 if os.path.abspath(p.path).startswith(prefix) else p for p in problems)


SECTIONS = (("stage", "Stages"), ("activity", "Stages"), ("exit criterion", "Stages"), ("task", "Tasks"),
            ("questionnaire", "Questionnaires"), ("question", "Questionnaires"), ("methodology", "Methodology"))
_NAMED = re.compile(r"\b(stage|task|questionnaire|question) '([^']+)'")


def version_diff(ctx: ServiceContext, methodology_id: str, old: int, new: int, *, viewer: str) -> VersionDiff:
    """What changed from version number ``old`` to ``new`` of one methodology
    (engine.methodology.diff), with the names of stages, tasks and questions beside
    their ids."""
    with unit_of_work.read(ctx) as session:
        _require(session, viewer, "compare methodology versions")
        row = _rows(ctx, session).get(methodology_id)
        if row is None:
            raise NotFoundError(f"methodology '{methodology_id}' is not deployed")
        numbered = {v.number: v for v in row.versions}
        for number in (old, new):
            if number not in numbered:
                raise NotFoundError(f"methodology '{methodology_id}' has no version {number}; "
                                    f"it has 1 to {len(numbered)}")
        _, before = ctx.catalog.version(session, numbered[old].version_id)
        _, after = ctx.catalog.version(session, numbered[new].version_id)
    names = _names(before) | _names(after)
    lines = tuple(DiffLine(c.op, _section(c.subject), _readable(c.subject, names), c.detail)
                  for c in diff_methodologies(before, after))
    return VersionDiff(methodology_id, numbered[old], numbered[new], lines)


def _names(methodology: Methodology) -> dict[tuple[str, str], str]:
    names = {("stage", s.id): s.name for s in methodology.stages}
    names |= {("task", t.id): t.name for t in methodology.process.user_tasks if t.name}
    for q in methodology.questionnaires:
        names[("questionnaire", q.id)] = q.name
        names |= {("question", question.id): question.text for question in q.questions}
    return names


def _readable(subject: str, names: dict[tuple[str, str], str]) -> str:
    def named(match: re.Match) -> str:
        kind, ident = match.groups()
        name = names.get((kind, ident))
        if not name or name == ident:
            return match.group(0)
        return f"{kind} \u201c{name if len(name) <= 80 else name[:77] + '...'}\u201d ({ident})"

    return _NAMED.sub(named, subject)


def _section(subject: str) -> str:
    for prefix, section in SECTIONS:
        if subject.startswith(prefix):
            return section
    return "Other"


def worker_tokens(ctx: ServiceContext, *, viewer: str) -> list[WorkerTokenView]:
    """The external-task workers' tokens (never the secret) for the designer's page;
    creating and revoking them are engine.service.external_tasks' use cases."""
    with unit_of_work.quick_read(ctx) as session:
        _require(session, viewer, "see the workers' tokens")
    return external_tasks.worker_tokens(ctx)


def create_worker_token(ctx: ServiceContext, name: str, topics: list[str], *, actor: str) -> str:
    """A worker token (external_tasks' use case), the actor's right checked before the input."""
    with unit_of_work.quick_read(ctx) as session:
        _require(session, actor, "create worker tokens")
    return external_tasks.create_worker_token(ctx, name, topics, actor=actor)
