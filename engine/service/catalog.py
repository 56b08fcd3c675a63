"""Deployed methodologies and routing: storing new versions, and reading them back.

A version row keeps the files it was made of; the engine rebuilds the methodology
from them (and its workflow spec from the stored spec text) once per process and
caches both by version id — versions are immutable, so the cache never goes stale.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from threading import Lock

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import MethodologyError, NotFoundError
from engine.methodology.model import LaneRole, Methodology, Routing
from engine.rules.routing import task_roles
from engine.runtime.workflow import ProcessRunner
from engine.views import DeployedVersion, DeployReport
from engine.store.models import MethodologyVersion, RoutingVersion


@dataclass(frozen=True)
class VersionInfo:
    """The small, immutable facts of a deployed version (its row also holds the
    files and the spec, which are large and read only once per process)."""

    id: int
    methodology_id: str
    label: str
    content_hash: str


class Catalog:
    def __init__(self):
        self._lock = Lock()
        self._methodologies: dict[int, Methodology] = {}
        self._runners: dict[int, ProcessRunner] = {}
        self._routing: dict[int, Routing] = {}
        self._versions: dict[int, VersionInfo] = {}

    # --- deploying -------------------------------------------------------------------

    def deploy(self, session: Session, result, root: str, actor: str | None, now: datetime) -> DeployReport:
        files_by_path = {f.path: f for f in result.files}
        dmn_paths = [f.path for f in result.files if f.kind == "dmn"]
        versions = []
        for methodology in result.library.methodologies.values():
            paths = {methodology.stage_table_path, methodology.process.path, *dmn_paths,
                     *(q.path for q in methodology.questionnaires)}
            files = {_relative(p, root): files_by_path[p].data.decode("utf-8") for p in sorted(paths)}
            existing = session.scalar(select(MethodologyVersion).where(
                MethodologyVersion.methodology_id == methodology.id,
                MethodologyVersion.content_hash == methodology.content_hash))
            if existing is not None:
                current = self._current(session, methodology.id)
                if current is not None and current != existing.id:
                    existing.activation = _next_activation(session)  # redeployed: current again
                versions.append(DeployedVersion(methodology.id, existing.label, existing.id,
                                                existing.content_hash, new=False))
                continue
            runner = ProcessRunner.from_files(
                {p: d.encode("utf-8") for p, d in files.items() if p.endswith((".bpmn", ".bpmn20.xml", ".bpmn2"))},
                {p: d.encode("utf-8") for p, d in files.items() if p.endswith(".dmn")},
                methodology.process.id)
            row = MethodologyVersion(
                methodology_id=methodology.id, label=methodology.version,
                content_hash=methodology.content_hash, process_id=methodology.process.id, files=files,
                spec=runner.spec_text(), deployed_at=now, deployed_by=actor,
                activation=_next_activation(session))
            session.add(row)
            session.flush()
            versions.append(DeployedVersion(methodology.id, row.label, row.id, row.content_hash, new=True))
        for routing in result.library.routing:
            for segment in routing.segments:
                if segment.methodology_version:
                    self._current(session, segment.methodology, segment.methodology_version) or _unpinnable(
                        routing, segment)
        routing_files = {_relative(f.path, root): f.data.decode("utf-8")
                         for f in result.files if f.kind == "routing"}
        routing_changed = False
        if routing_files:
            digest = hashlib.sha256(repr(sorted(routing_files.items())).encode("utf-8")).hexdigest()
            newest = session.scalar(select(RoutingVersion).order_by(RoutingVersion.id.desc()).limit(1))
            if newest is None or newest.content_hash != digest:
                session.add(RoutingVersion(content_hash=digest, files=routing_files, deployed_at=now))
                routing_changed = True
        return DeployReport(tuple(versions), routing_changed)

    # --- reading back ----------------------------------------------------------------

    def version(self, session: Session, version_id: int) -> tuple[VersionInfo, Methodology]:
        with self._lock:
            info = self._versions.get(version_id)
            methodology = self._methodologies.get(version_id)
        if info is None:
            row = session.execute(select(
                MethodologyVersion.methodology_id, MethodologyVersion.label, MethodologyVersion.content_hash)
                .where(MethodologyVersion.id == version_id)).first()
            if row is None:
                raise NotFoundError(f"no methodology version {version_id}")
            info = VersionInfo(version_id, *row)
        if methodology is None:
            files = session.scalar(select(MethodologyVersion.files).where(MethodologyVersion.id == version_id))
            methodology = _load(files, info.methodology_id)
        with self._lock:
            self._versions[version_id] = info
            self._methodologies[version_id] = methodology
        return info, methodology

    def _current(self, session: Session, methodology_id: str, label: str | None = None) -> int | None:
        """The id of the version deployed last (optionally with this label)."""
        query = select(MethodologyVersion.id).where(MethodologyVersion.methodology_id == methodology_id)
        if label is not None:
            query = query.where(MethodologyVersion.label == label)
        return session.scalar(query.order_by(MethodologyVersion.activation.desc()).limit(1))

    def newest(self, session: Session, methodology_id: str, label: str | None = None):
        """The current version: the one deployed last (optionally with this label)."""
        version_id = self._current(session, methodology_id, label)
        if version_id is None:
            wanted = f"{methodology_id}@{label}" if label else methodology_id
            raise NotFoundError(f"methodology '{wanted}' is not deployed; run 'dealflow deploy'")
        return self.version(session, version_id)

    def runner(self, session: Session, version_id: int) -> ProcessRunner:
        with self._lock:
            runner = self._runners.get(version_id)
        if runner is None:
            runner = ProcessRunner.from_spec_text(
                session.scalar(select(MethodologyVersion.spec).where(MethodologyVersion.id == version_id)))
            with self._lock:
                self._runners[version_id] = runner
        return runner

    def routing(self, session: Session) -> Routing:
        routing_id = session.scalar(select(func.max(RoutingVersion.id)))
        if routing_id is None:
            raise NotFoundError("no routing rules are deployed; run 'dealflow deploy'")
        with self._lock:
            routing = self._routing.get(routing_id)
        if routing is None:
            from engine.service.validation import load_files

            files = session.scalar(select(RoutingVersion.files).where(RoutingVersion.id == routing_id))
            result = load_files({p: d.encode("utf-8") for p, d in files.items()})
            routing = result.library.routing[0]
            with self._lock:
                self._routing[routing_id] = routing
        return routing

    def lanes(self, session: Session, methodology_id: str) -> dict[str, LaneRole]:
        # A dict of lanes that also carries the groups/users maps tasks may name.
        return task_roles(self.routing(session), methodology_id)


def _next_activation(session: Session) -> int:
    return (session.scalar(select(func.max(MethodologyVersion.activation))) or 0) + 1


def _unpinnable(routing: Routing, segment) -> None:
    raise NotFoundError(
        f"{routing.path}: segment '{segment.id}' pins {segment.methodology}@{segment.methodology_version}, "
        f"which has never been deployed; deploy that version first or remove '@{segment.methodology_version}'")


def _relative(path: str, root: str) -> str:
    return os.path.relpath(path, root) if os.path.isdir(root) else os.path.basename(path)


def _load(files: dict[str, str], methodology_id: str) -> Methodology:
    from engine.service.validation import load_files

    result = load_files({p: d.encode("utf-8") for p, d in files.items()})
    methodology = result.library.methodologies.get(methodology_id)
    if methodology is None:
        raise MethodologyError(result.problems)
    return methodology
